"""Project-level views: health check and JSON error pages."""

from http import HTTPStatus

from django.http import JsonResponse
from django.views.defaults import page_not_found, server_error

from movie_api.exception_handlers import error_body
from movie_api.opskit import check_cache, check_database, run_checks


def healthz(request):
    """Tells a load balancer whether the database and the cache answer."""
    return run_checks({"database": check_database, "cache": check_cache})


def _wants_json(request) -> bool:
    return request.path.startswith(("/api/", "/graphql"))


class JsonApiErrorsMiddleware:
    """Every error under /api/ and /graphql/ in the JSON shape, in every settings module.

    DRF and the GraphQL view already answer JSON; this catches what Django answers
    itself before a view runs (an unknown URL such as /api/movies/abc/, whose 404 is
    the HTML debug page when DEBUG is on, since handler404 only serves DEBUG=False).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and _wants_json(request)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            status = HTTPStatus(response.status_code)
            code = "not_found" if status == HTTPStatus.NOT_FOUND else status.name.lower()
            detail = "Not found." if status == HTTPStatus.NOT_FOUND else f"{status.phrase}."
            json_response = JsonResponse(error_body(int(status), code, detail), status=int(status))
            for header in ("Allow", "Retry-After", "WWW-Authenticate"):
                if header in response:
                    json_response[header] = response[header]
            return json_response
        return response


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
