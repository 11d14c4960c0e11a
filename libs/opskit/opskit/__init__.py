"""Operations kit: request ids, JSON logs, HTTP metrics, readiness and Sentry scrubbing.

One package serves both projects: customer_support never imports the movie API's
code, so this lives beside both (libs/opskit) and each installs it through its
requirements file. Nothing here knows either project: each one's settings name the
pieces they use (docs/deploy.md).

- `RequestContextMiddleware` (first in MIDDLEWARE): takes a valid incoming
  `X-Request-ID` or makes one, echoes it in the response and in every JSON error body,
  writes one access log line, and records the HTTP metrics.
- `JsonFormatter`: one JSON object per log line, with the request id; known secrets
  (tokens, OTP codes, phone numbers, passwords) are masked in every line.
- `metrics_view`: Prometheus text, across gunicorn workers when
  PROMETHEUS_MULTIPROC_DIR is set; answers only a caller with the METRICS_TOKEN.
- `readiness`: database, cache and "every migration applied".
- `init_sentry`: Sentry with the release, the environment and `scrub_event`.
"""

import contextlib
import contextvars
import hmac
import json
import logging
import os
import re
import time
import traceback
import uuid
from datetime import UTC, datetime
from http import HTTPStatus

import sentry_sdk
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import Http404, HttpResponse, JsonResponse
from django.utils.functional import empty
from django.utils.module_loading import import_string
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

REQUEST_ID_HEADER = "X-Request-ID"
# A caller's id is kept only if it is short and plain (a UUID, a proxy's trace id):
# anything else could forge or break log lines, so a fresh id replaces it.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")
request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None
)
access_logger = logging.getLogger("access")

# ------------------------------------------------------------------ scrubbing

REDACTED = "[redacted]"
# Keys whose values never leave the process (Sentry events, structured log fields).
SENSITIVE_KEY = re.compile(
    r"pass(word)?|secret|token|access|refresh|authorization|cookie|otp|code|phone|api.?key|"
    r"signature|credential|session|csrf|sid",
    re.IGNORECASE,
)
# Values that look like secrets wherever they appear in free text.
SENSITIVE_TEXT = [
    # JSON Web Tokens (our access and refresh tokens), with or without "Bearer".
    (re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]*"), REDACTED),
    (re.compile(r"(?i)\b(bearer|basic|token)\s+[\w.~+/=-]{8,}"), r"\1 " + REDACTED),
    # One-time codes: digits near the word "code" ("your code is 123456", "code=123456").
    (re.compile(r"(?i)(code\D{0,20}?)\b\d{6}\b"), r"\1" + REDACTED),
    # "password=..." / "password": "..." in free text.
    (re.compile(r"(?i)(\bpass(?:word|wd)?\W{1,4})[^\s\"',&]+"), r"\1" + REDACTED),
    # Phone numbers in E.164 form: keep the country code and the last two digits.
    (re.compile(r"\+(\d{1,3})\d{4,11}(\d{2})\b"), r"+\1…\2"),
]


def scrub_text(text: str) -> str:
    """`text` with tokens, OTP codes, passwords and phone numbers masked."""
    for pattern, replacement in SENSITIVE_TEXT:
        text = pattern.sub(replacement, text)
    return text


def scrub(value, key: str = ""):
    """A copy of `value` (dicts, lists, strings) with sensitive keys and texts masked."""
    if key and SENSITIVE_KEY.search(key) and value not in (None, "", [], {}):
        return REDACTED
    if isinstance(value, dict):
        return {k: scrub(v, str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        # Sentry sends headers and cookies as [name, value] pairs.
        if len(value) == 2 and isinstance(value[0], str) and SENSITIVE_KEY.search(value[0]):
            return [value[0], REDACTED]
        return [scrub(item) for item in value]
    if isinstance(value, str):
        return scrub_text(value)
    return value


def scrub_event(event, hint=None):
    """Sentry `before_send`: the event with every sensitive key and text masked."""
    return scrub(event)


# ------------------------------------------------------------------ JSON logs


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, extra fields."""

    # Attributes every LogRecord has; anything else was passed with `extra=`.
    RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message"}

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub_text(record.getMessage()),
        }
        request_id = request_id_var.get()
        if request_id:
            line["request_id"] = request_id
        for key, value in record.__dict__.items():
            if key not in self.RESERVED and not key.startswith("_"):
                line[key] = scrub(value, key)
        if record.exc_info:
            line["exception"] = scrub_text("".join(traceback.format_exception(*record.exc_info)))
        return json.dumps(line, default=str, ensure_ascii=False)


# ------------------------------------------------------------------ metrics

# Seconds; the API's budget is well under a second, so the buckets are finer there.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
REQUEST_LATENCY = Histogram(
    "http_request_duration_seconds",
    "Time to answer a request, by URL route and method.",
    ["route", "method"],
    buckets=LATENCY_BUCKETS,
)
RESPONSES = Counter(
    "http_responses_total", "Responses by status class (2xx, 3xx, 4xx, 5xx).", ["status_class"]
)
HTTP_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
REQUEST_DB_QUERIES = Histogram(
    "http_request_db_queries",
    "Database queries run to answer one request, by URL route.",
    ["route"],
    buckets=(0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 100),
)


def metrics_view(request):
    """Prometheus text exposition; 404 unless the caller sends `Bearer <METRICS_TOKEN>`."""
    token = getattr(settings, "METRICS_TOKEN", "")
    sent = request.headers.get("Authorization", "")
    # An unset token turns the endpoint off; a wrong one looks like no endpoint at all.
    if not token or not hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        raise Http404
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Every gunicorn worker writes its own files; add them all up for this scrape.
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    # Figures read at scrape time (e.g. from Redis), not counted by the workers.
    extra = CollectorRegistry()
    for path in getattr(settings, "METRICS_EXTRA_COLLECTORS", []):
        extra.register(import_string(path)())
    body = generate_latest(registry) + generate_latest(extra)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)


# ------------------------------------------------------------------ request context


class _QueryCounter:
    """A database execute wrapper that counts the statements of one request."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _route(request) -> str:
    """The URL pattern that served `request` ("api/movies/<pk>/"), never the raw path.

    Ids and query strings stay out of metric labels and logs; regex routes (DRF
    routers) read like path converters.
    """
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", match.route or match.view_name or "")
    return route.replace("^", "").replace("$", "")


def _user_id(request):
    user = getattr(request, "user", None)
    # Do not evaluate a lazy user nobody asked for (it would cost a session query).
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if getattr(user, "is_authenticated", False) else None


def _with_request_id(response, request_id: str):
    """Add `request_id` to a JSON error body (REST shape) or GraphQL `extensions`."""
    if getattr(response, "streaming", False) or "json" not in response.get("Content-Type", ""):
        return response
    content = response.content
    is_error = response.status_code >= HTTPStatus.BAD_REQUEST
    if not is_error and b'"errors"' not in content:
        return response
    try:
        body = json.loads(content)
    except ValueError:
        return response
    if not isinstance(body, dict):
        return response
    if isinstance(body.get("errors"), list) and "code" not in body:
        # A GraphQL answer: the id goes where the spec allows extra top-level data.
        body["extensions"] = {**(body.get("extensions") or {}), "requestId": request_id}
    elif is_error:
        body["request_id"] = request_id
    else:
        return response
    response.content = json.dumps(body).encode()
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))
    # The body now differs on every request: an ETag of the old body would lie.
    del response["ETag"]
    return response


class RequestContextMiddleware:
    """Request id, access log line and HTTP metrics for every request (first middleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if VALID_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        sentry_sdk.set_tag("request_id", request_id)
        token = request_id_var.set(request_id)
        counter = _QueryCounter()
        started = time.perf_counter()
        try:
            with _count_queries(counter):
                response = self.get_response(request)
            duration = time.perf_counter() - started
            response[REQUEST_ID_HEADER] = request_id
            response = _with_request_id(response, request_id)
            self._record(request, response, duration, counter.count)
            return response
        finally:
            request_id_var.reset(token)

    @staticmethod
    def _record(request, response, duration: float, queries: int) -> None:
        route = _route(request)
        # Any string can be sent as a method; only the real ones become label values.
        method = request.method if request.method in HTTP_METHODS else "other"
        REQUEST_LATENCY.labels(route=route, method=method).observe(duration)
        RESPONSES.labels(status_class=f"{response.status_code // 100}xx").inc()
        REQUEST_DB_QUERIES.labels(route=route).observe(queries)
        access_logger.info(
            "%s %s %s",
            method,
            route,
            response.status_code,
            extra={
                "method": method,
                "route": route,
                "status": response.status_code,
                "duration_ms": round(duration * 1000, 1),
                "db_queries": queries,
                "user_id": _user_id(request),
            },
        )


def _count_queries(counter) -> contextlib.ExitStack:
    """Install `counter` on every configured database connection of this thread."""
    stack = contextlib.ExitStack()
    for alias in settings.DATABASES:
        stack.enter_context(connections[alias].execute_wrapper(counter))
    return stack


# ------------------------------------------------------------------ health and readiness

_migrations_applied = False


def check_database() -> str:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def check_cache() -> str:
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", 5)
    found = cache.get(key) == "1"
    cache.delete(key)
    return "ok" if found else "error: no round trip"


def check_migrations() -> str:
    global _migrations_applied
    if _migrations_applied:
        # Applied migrations do not come undone while this process runs: ask once.
        return "ok"
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        return f"error: {len(pending)} unapplied"
    _migrations_applied = True
    return "ok"


def run_checks(checks: dict) -> JsonResponse:
    """200 with each check's "ok", or 503 naming what failed (never the error's text)."""
    results = {}
    for name, check in checks.items():
        try:
            results[name] = check()
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
            results[name] = f"error: {exc.__class__.__name__}"
    healthy = all(value == "ok" for value in results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **results},
        status=HTTPStatus.OK if healthy else HTTPStatus.SERVICE_UNAVAILABLE,
    )


def readiness(request):
    """Ready for traffic: the database and the cache answer, every migration is applied."""
    return run_checks(
        {"database": check_database, "cache": check_cache, "migrations": check_migrations}
    )


def liveness(request):
    """The process answers HTTP (nothing else is asked)."""
    return JsonResponse({"status": "ok"})


# ------------------------------------------------------------------ Sentry


def init_sentry(*, dsn: str, release: str, environment: str, traces_sample_rate: float) -> None:
    """Report unhandled errors to Sentry, scrubbed; does nothing without a DSN."""
    if not dsn:
        return
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.logging import LoggingIntegration

    sentry_sdk.init(
        dsn=dsn,
        release=release or None,
        environment=environment,
        traces_sample_rate=traces_sample_rate,
        # No IP addresses, cookies or user details unless we add them ourselves.
        send_default_pii=False,
        max_request_body_size="small",
        integrations=[
            DjangoIntegration(),
            LoggingIntegration(level=logging.INFO, event_level=logging.ERROR),
        ],
        before_send=scrub_event,
        before_send_transaction=scrub_event,
        before_breadcrumb=lambda crumb, hint: scrub(crumb),
    )
