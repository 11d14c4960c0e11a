"""Project-level views: health check and JSON error pages."""

from http import HTTPStatus

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.defaults import page_not_found, server_error

from movie_api.exception_handlers import error_body


def healthz(request):
    """Tells a load balancer whether the database and the cache answer."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means "not healthy"
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        cache.set("healthz", "1", 5)
        checks["cache"] = "ok" if cache.get("healthz") == "1" else "error: no round trip"
    except Exception as exc:  # noqa: BLE001
        checks["cache"] = f"error: {exc.__class__.__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks},
        status=HTTPStatus.OK if healthy else HTTPStatus.SERVICE_UNAVAILABLE,
    )


def _wants_json(request) -> bool:
    return request.path.startswith(("/api/", "/graphql"))


def not_found(request, exception=None):
    """JSON 404 for API paths (unknown routes), Django's page elsewhere."""
    if _wants_json(request):
        return JsonResponse(error_body(404, "not_found", "Not found."), status=404)
    return page_not_found(request, exception)


def server_failure(request):
    """JSON 500 for API paths, without a traceback."""
    if _wants_json(request):
        return JsonResponse(
            error_body(500, "server_error", "Something went wrong on our side."), status=500
        )
    return server_error(request)
