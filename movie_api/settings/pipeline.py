"""The request pipeline: the middleware in order, and the HTTP contract's fixed choices
(CORS headers, Idempotency-Key lifetimes, API versions).

None of them comes from the environment (base.py reads `CORS_ALLOWED_ORIGINS`); base.py
imports them by name.
"""

MIDDLEWARE = [
    # A bad Host or an oversized body: JSON (a 400 or 413), also with DEBUG on.
    "core.views.RefusedRequestsMiddleware",
    # Above the response cache, so a stored answer gets the CORS headers of the request
    # at hand (the stored bytes never hold one origin's), and above everything that can
    # answer by itself, so a preflight never reaches a view (GraphQL's was a 405).
    "corsheaders.middleware.CorsMiddleware",
    # `API-Version` on every answer of both doors, 406 for a version not served (above the
    # response cache, which keys no Accept header), Deprecation/Sunset (core/versions.py).
    "core.versions.ApiVersionMiddleware",
    # The documented Content-Type on a bodiless 204 or 304 (above the response cache's).
    "core.middleware.NoContentTypeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    # Anonymous reads answered from stored bytes: a hit or a 304 leaves here and skips
    # everything below (docs/caching.md).
    "core.response_cache.middleware.ResponseCacheMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # JSON for errors Django answers itself under /api/ and /graphql/ (unknown URLs).
    "core.views.JsonApiErrorsMiddleware",
    # A REST query parameter named twice is a 400 naming it, not its last value.
    "core.middleware.RepeatedQueryParametersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # ETag on every GET and 304 for a matching If-None-Match (movie list and detail).
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A POST retried with the same Idempotency-Key replays the first answer (one indexed
    # read; it runs nothing, so no rate limit counts it and it has no X-RateLimit-*).
    "core.idempotency.middleware.IdempotencyMiddleware",
    "core.middleware.RateLimitHeadersMiddleware",
]

# --- CORS: browser apps on other origins (django-cors-headers; docs/guide/browsers.md) ---
# CORS_ALLOWED_ORIGINS: comma-separated origins (https://app.example.com); empty = no
# cross-origin access; "*" = any origin. Both doors authenticate by the Authorization
# header only, never a cookie, so a browser app needs no credentialed requests: they are
# never allowed, whatever the origins (a "*" with credentials would let any page act
# with a visitor's cookies).
CORS_ALLOW_CREDENTIALS = False
CORS_URLS_REGEX = r"^/(api|graphql)/"
# What a client may send and read besides the CORS-safelisted headers.
CORS_ALLOW_HEADERS = [
    "accept",
    "authorization",
    "content-type",
    "idempotency-key",
    "if-none-match",
    "x-request-id",
]
CORS_EXPOSE_HEADERS = [
    "API-Version",
    "Deprecation",
    "ETag",
    "Idempotent-Replayed",
    "Link",
    "Retry-After",
    "Sunset",
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
    "X-Request-ID",
]
# A browser keeps a preflight's answer this many seconds before asking again.
CORS_PREFLIGHT_MAX_AGE = 600
# --- end of CORS ---

# --- Idempotency-Key (core/idempotency, docs/guide/browsers.md) --------
# A POST's answer is replayed to a retry with the same key for this long (Stripe's 24 h);
# `manage.py prune_idempotency_keys` deletes the expired ones.
IDEMPOTENCY_KEY_TTL_SECONDS = 24 * 3600
# A key whose first request has run this long without an answer (its worker died) may
# be claimed again; until then a duplicate answers 409. Above any request's run time.
IDEMPOTENCY_LOCK_SECONDS = 120

# --- API versions (core/versions.py, docs/guide/versions.md) --------
# The version every answer names (`API-Version`), and those a client may pin with
# `Accept: application/json; version=N`; any other is refused with 406.
API_VERSION = "1"
API_VERSIONS = ["1"]
# --- end of API versions ---
