"""ResponseCacheMiddleware: anonymous answers from stored bytes, and edge headers.

Sits near the top of MIDDLEWARE (after the request id, the security headers and the
CSP nonce, which every answer needs), so a hit or a 304 skips everything below it:
static files, sessions, CSRF, authentication, messages, the ETag hash, the view.
What a hit still does: one store round trip (the anonymous rate limit and the
cache generation together; the entry itself from this process's copy once it has
one), and the X-RateLimit headers.
"""

from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers, set_response_etag
from django.utils.http import parse_etags

from core.caching import generation, invalidation
from core.middleware import add_ratelimit_headers
from core.replicas import use_primary
from core.response_cache import keys
from core.security import ratelimit

# Per-request or per-caller headers are never replayed from a stored answer.
_NOT_STORED = {"set-cookie", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"}
# What a 304 repeats of the full answer (RFC 9110 15.4.5), as Django's own 304 does.
_KEPT_ON_304 = ("Cache-Control", "Content-Location", "ETag", "Expires", "Vary")


class ResponseCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = keys.request_key(request)
        enabled = key is not None and settings.RESPONSE_CACHE_ENABLED
        found = lookup_counted(request, key) if enabled else None
        if found is None:
            response = self.get_response(request)
            return edge_headers(
                request, response, public=key is not None and _storable(request, response)
            )
        current, entry = found
        if entry is not None and _allowed(request):
            return _replay(request, entry)
        # A miss, or a hit over the rate limit: the stack answers (the door reuses the
        # decision: its throttle then refuses with its usual 429 body).
        with invalidation.recording() as tables:
            response = _compute_fill(self.get_response, request)
        storable = _storable(request, response)
        stamp = invalidation.stamp(current, tables) if storable else None
        if stamp is not None:
            generation.save(
                key,
                _entry(stamp, request, response),
                near=True,
                seen=current.get(generation.WRITES_KEY),
            )
        return edge_headers(request, response, public=storable)


def lookup_counted(request, key: str):
    """`generation.lookup` with the anonymous rate limit checked and counted in the
    same store call, hit or miss: a hit is one round trip in all.

    Counted here exactly as the doors count it; the doors then reuse this decision
    (`check_rate_once`), so the request is counted once whoever answers it.
    """
    request.user = AnonymousUser()
    return generation.lookup(key, near=True, count=(request, [ratelimit.anon_limit(request)]))


def _allowed(request) -> bool:
    return ratelimit.check_rate_once(request, [ratelimit.anon_limit(request)]).allowed


def _compute_fill(get_response, request):
    """The answer to store, computed by the rest of the stack, on the primary.

    A lagging read replica could answer from before the write that made the last bump
    and the fill would store that old answer under the new generation.
    """
    with use_primary():
        return get_response(request)


def _storable(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if "private" in response.get("Cache-Control", "") or "no-store" in response.get(
        "Cache-Control", ""
    ):
        return False
    if not response.get("Content-Type", "").startswith("application/json"):
        return False
    # A GraphQL answer with errors is never stored (a literal "errors" string in the
    # data also skips storing: the safe side).
    return request.path_info != keys.GRAPHQL_PATH or b'"errors"' not in response.content


def _entry(stamp: dict, request, response) -> tuple:
    if not response.has_header("ETag"):
        set_response_etag(response)
    patch_vary_headers(response, ("Accept", "Authorization"))
    headers = tuple(
        (name, value) for name, value in response.items() if name.lower() not in _NOT_STORED
    )
    match = getattr(request, "resolver_match", None)
    route = (match.route or match.view_name or "") if match is not None else ""
    return (stamp, response.status_code, headers, response.content, response["ETag"], route)


def _replay(request, entry):
    _generation, status, headers, content, etag, route = entry
    # The access log and the metrics name the route that stored the answer.
    request.resolver_match = SimpleNamespace(route=route, view_name=route)
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match and (
        etag in parse_etags(if_none_match)
        or ("*" in if_none_match and request.method in ("GET", "HEAD"))
    ):
        response = HttpResponseNotModified()
        for name, value in headers:
            if name in _KEPT_ON_304:
                response[name] = value
    else:
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
    response["X-Cache"] = "HIT"
    response = edge_headers(request, response, public=True)
    return add_ratelimit_headers(request, response)


def edge_headers(request, response, *, public: bool):
    """Cache-Control for shared caches (a CDN, nginx) on REST and GraphQL answers.

    - an anonymous answer the response cache stores (`public`): `public, max-age=0,
      s-maxage=S, stale-while-revalidate=W`: browsers revalidate every time, an edge
      may keep it S seconds and serve it W seconds longer while it refetches;
    - writes and errors: `no-store`;
    - a signed-in read: `private, no-cache`: no shared cache may keep it (it can show
      the caller's own state), and the browser revalidates each time (ETag, 304).
    A header the view set itself is kept.
    """
    if response.has_header("Cache-Control") or not keys.in_scope(request):
        return response
    if public:
        response["Cache-Control"] = (
            f"public, max-age=0, s-maxage={settings.CACHE_EDGE_S_MAXAGE}, "
            f"stale-while-revalidate={settings.CACHE_EDGE_STALE_WHILE_REVALIDATE}"
        )
    elif response.status_code >= 400 or request.method not in ("GET", "HEAD"):
        response["Cache-Control"] = "no-store"
    elif not keys.is_anonymous(request):
        response["Cache-Control"] = "private, no-cache"
    return response
