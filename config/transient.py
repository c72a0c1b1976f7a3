"""The errors a Celery task retries: a database or broker that is briefly away. Anything else — an
IntegrityError, a ProgrammingError, a bug — fails at once, so it is seen instead of retried."""

from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerOperationalError

TRANSIENT_ERRORS = (OperationalError, InterfaceError, BrokerOperationalError, ConnectionError, TimeoutError)
