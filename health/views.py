from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from health.checks import check_broker, check_database, last_worker_heartbeat


@never_cache
@require_GET
def healthz(request):
    """JSON with the database and broker state: 200 when both answer, 503 when not."""
    database = check_database()
    broker = check_broker()
    healthy = database["ok"] and broker["ok"]
    body = {
        "status": "ok" if healthy else "unhealthy",
        "database": database,
        "broker": broker,
        "worker_heartbeat": last_worker_heartbeat() if database["ok"] else None,
    }
    return JsonResponse(body, status=200 if healthy else 503)
