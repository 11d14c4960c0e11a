"""Project-level views: the service index, health check and JSON error pages."""

import logging
import sys
from http import HTTPStatus

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import (
    DisallowedHost,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_safe
from django.views.defaults import page_not_found, server_error
from opskit import check_cache, check_database, run_checks

from core.errors import DATABASE_OUTAGE_ERRORS, DATABASE_UNAVAILABLE_MESSAGE, CommonErrorCode
from core.exception_handlers import error_body
from core.security.store import SECURITY, store_circuit

SERVICE_DESCRIPTION = "IMDb-style catalog: movies, genres, actors, reviews and user lists."


@require_safe
def service_index(request):
    """`/`: what this server offers and where, for a person or a client that starts here."""

    def link(name: str, **kwargs) -> str:
        return request.build_absolute_uri(reverse(name, kwargs=kwargs or None))

    return JsonResponse(
        {
            "name": "Movie API",
            "description": SERVICE_DESCRIPTION,
            "rest": {
                "movies": link("movie-list"),
                "genres": link("genre-list"),
                "actors": link("actor-list"),
                "reviews": link("review-list"),
                "register": link("register"),
                "login": link("login"),
                "me": link("me"),
            },
            "graphql": link("graphql"),
            "docs": {
                "swagger": link("schema-swagger-ui"),
                "redoc": link("schema-redoc"),
                "openapi": link("schema-json"),
                "openapi_3_1": link("schema-openapi"),
                "graphql_schema": "schema.graphql in the repository (GraphiQL at the graphql link)",
                "guide": "docs/guide/ in the repository; `make docs` serves it as a site",
            },
            "health": link("healthz"),
            "openid_configuration": link("openid-configuration"),
        }
    )


def healthz(request):
    """Tells a load balancer whether the database, the cache and the security store answer."""
    return run_checks(
        {"database": check_database, "cache": check_cache, "security_store": check_security_store}
    )


def check_security_store() -> str:
    """The security store (deny-list, rate-limit windows) answers a read.

    Not asked while its circuit is open (it hung within THROTTLE_STORE_RETRY_SECONDS):
    the answer is known, and a health check must not wait a socket timeout per store.
    """
    if store_circuit.is_open(SECURITY):
        return "error: not answering"
    caches[SECURITY].get("healthz:probe")
    return "ok"


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
            code = (
                CommonErrorCode.NOT_FOUND if status == HTTPStatus.NOT_FOUND else status.name.lower()
            )
            detail = "Not found." if status == HTTPStatus.NOT_FOUND else f"{status.phrase}."
            json_response = JsonResponse(error_body(int(status), code, detail), status=int(status))
            for header in ("Allow", "Retry-After", "WWW-Authenticate"):
                if header in response:
                    json_response[header] = response[header]
            return json_response
        return response


# What Django refuses while reading a request, answered by bad_request.
REFUSED_REQUESTS = (DisallowedHost, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


class RefusedRequestsMiddleware:
    """A bad Host or an oversized body answers the JSON of bad_request in every settings
    module, on every path (/healthz included).

    Django sends these through handler400 only when DEBUG is off; with DEBUG on (local
    settings, `make run`) it answers its HTML debug page with status 400, so a 3 MB body
    was a 400 and a bad Host an HTML page. Placed before everything that reads the host
    or the body: the Host is checked first here, and a refusal raised while a view reads
    the body is caught on its way out. Logged as Django logs it (django.security.*).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            request.get_host()
        except DisallowedHost as exc:
            return self.refuse(request, exc)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, REFUSED_REQUESTS):
            return self.refuse(request, exception)
        return None

    @staticmethod
    def refuse(request, exception):
        logging.getLogger(f"django.security.{type(exception).__name__}").error(str(exception))
        return bad_request(request, exception)


def not_found(request, exception=None):
    """JSON 404 for API paths (unknown routes), Django's page elsewhere."""
    if _wants_json(request):
        return JsonResponse(error_body(404, CommonErrorCode.NOT_FOUND, "Not found."), status=404)
    return page_not_found(request, exception)


def bad_request(request, exception=None):
    """JSON for what Django refuses before a view runs: bad Host, huge body, too many parts.

    Django answers these (SuspiciousOperation) with handler400; every path gets the
    API's error shape, and a body over DATA_UPLOAD_MAX_MEMORY_SIZE is a 413.
    """
    if isinstance(exception, RequestDataTooBig):
        status, code, detail = 413, CommonErrorCode.TOO_LARGE, "The request body is too large."
    elif isinstance(exception, TooManyFilesSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        status, code, detail = (
            400,
            CommonErrorCode.TOO_MANY_FILES,
            f"At most {limit} files per request.",
        )
    elif isinstance(exception, TooManyFieldsSent):
        status, code, detail = (
            400,
            CommonErrorCode.TOO_MANY_FIELDS,
            "Too many fields in the request.",
        )
    elif isinstance(exception, DisallowedHost):
        status, code, detail = 400, CommonErrorCode.BAD_HOST, "The Host header is not served here."
    else:
        status, code, detail = 400, CommonErrorCode.BAD_REQUEST, "The request is malformed."
    errors = [{"field": None, "code": code, "message": detail}]
    return JsonResponse(error_body(status, code, detail, errors), status=status)


def server_failure(request):
    """JSON 500 for API paths, without a traceback; 503 + Retry-After while the database is down."""
    if isinstance(sys.exc_info()[1], DATABASE_OUTAGE_ERRORS):
        # Django calls handler500 inside its except block, so the error is at hand.
        response = JsonResponse(
            error_body(503, CommonErrorCode.SERVICE_UNAVAILABLE, DATABASE_UNAVAILABLE_MESSAGE),
            status=503,
        )
        response["Retry-After"] = str(settings.DATABASE_RETRY_AFTER_SECONDS)
        return response
    if _wants_json(request):
        return JsonResponse(
            error_body(500, CommonErrorCode.SERVER_ERROR, "Something went wrong on our side."),
            status=500,
        )
    return server_error(request)
