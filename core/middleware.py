"""HTTP-edge middleware: response headers every answer needs, and a repeated REST query
parameter refused."""

import functools
import secrets
from http import HTTPStatus

from django.conf import settings
from django.http import JsonResponse
from django.utils.module_loading import import_string

from core.errors import CommonErrorCode
from core.exception_handlers import error_body


class NoContentTypeMiddleware:
    """A 204 or 304 from the REST API still says `Content-Type: application/json`.

    DRF drops the header when there is no body, and Django's 304 deletes it, but the
    OpenAPI schema (Swagger 2.0) can only declare one media type per operation, so a
    bodiless DELETE or revalidated GET would not match its own documentation. Near the
    top of MIDDLEWARE: the response cache and ConditionalGetMiddleware answer 304s
    above the view.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code in (HTTPStatus.NO_CONTENT, HTTPStatus.NOT_MODIFIED)
            and request.path.startswith("/api/")
            and not response.has_header("Content-Type")
        ):
            response["Content-Type"] = "application/json"
        return response


class ContentSecurityPolicyMiddleware:
    """Sends settings.CONTENT_SECURITY_POLICY on every response, with a fresh nonce.

    Scripts run only from this server, or inline when they carry the request's nonce
    (`request.csp_nonce`; GraphiQL's settings block uses it). The policy is written so
    the admin, Swagger UI, ReDoc and GraphiQL work under it (checked in Chromium; see
    docs/guide/accounts.md). A response that already has the header keeps its own.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if policy and not response.has_header("Content-Security-Policy"):
            # The sign-in page of a flow must let its redirects reach the app (oauth/csp.py).
            widened = _page_policy(request)
            response["Content-Security-Policy"] = widened or policy.replace(
                "{nonce}", request.csp_nonce
            )
        return response


def _page_policy(request) -> str | None:
    """The policy a page of settings.CONTENT_SECURITY_POLICY_PAGES sets for itself, if any.

    Named by the settings: the pages belong to the apps, which this package is below."""
    for path in settings.CONTENT_SECURITY_POLICY_PAGES:
        policy = _imported(path)(request)
        if policy:
            return policy
    return None


@functools.cache
def _imported(path: str):
    return import_string(path)


class RateLimitHeadersMiddleware:
    """Adds X-RateLimit-Limit/-Remaining/-Reset from the tightest limit consulted.

    The rate limiter (core/security/ratelimit.py) records every limit it checked
    on the request; a domain 429 (a limit a service enforces itself) records the limit
    that refused, and that one is described.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return add_ratelimit_headers(request, self.get_response(request))


def add_ratelimit_headers(request, response):
    """The X-RateLimit-* headers of the tightest limit `request` was checked against."""
    states = getattr(request, "ratelimit_states", None)
    if states:
        tightest = min(states, key=lambda s: (not s.get("refused"), s["remaining"], -s["reset"]))
        response["X-RateLimit-Limit"] = str(tightest["limit"])
        response["X-RateLimit-Remaining"] = str(tightest["remaining"])
        response["X-RateLimit-Reset"] = str(tightest["reset"])
    return response


class RepeatedQueryParametersMiddleware:
    """A REST query parameter named twice (`?min_year=abc&min_year=1999`) is a 400
    `invalid` naming it, not silently its last value.

    No query parameter of the API takes several values (a list is one `a,b` value), so
    a repeated one is a client's mistake; with the last value read, a request the
    document forbids (several values, an invalid one among them) was answered 200. The
    API scan sent one. Only under /api/: GraphQL has its own request format.
    """

    MESSAGE = "Give this parameter once."

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            repeated = [name for name, values in request.GET.lists() if len(values) > 1]
            if repeated:
                code = CommonErrorCode.INVALID
                errors = [
                    {"field": name, "code": code, "message": self.MESSAGE} for name in repeated
                ]
                body = error_body(400, code, "Some fields are invalid.", errors)
                return JsonResponse(body, status=400)
        return self.get_response(request)
