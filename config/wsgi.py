import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

from config.warmup import warm_up

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# What is loaded now (Django, the apps, the URLconf and every view it imports) lives as long as the
# process. Move it out of the collector's sight: otherwise a full collection, triggered by the thousands
# of objects a page of 50 rows allocates, walks all of it again every few requests (about a fifth of
# a list's time on the province).
get_resolver().url_patterns  # noqa: B018 - imports the views now rather than on the first request
# The router and the similarity check load now, so the first suggestion is as fast as the second.
warm_up()
gc.freeze()
