"""Project-level views: health check and JSON error pages."""

from django.http import JsonResponse
from django.views.defaults import page_not_found, server_error

from movie_api.exception_handlers import error_body
from movie_api.opskit import check_cache, check_database, run_checks


def healthz(request):
    """Tells a load balancer whether the database and the cache answer."""
    return run_checks({"database": check_database, "cache": check_cache})


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
