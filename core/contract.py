"""Refusals of the HTTP contract itself (Idempotency-Key, API version), in each door's shape.

These are refused before a door runs (core/idempotency, core/versions.py), so
no serializer or resolver renders them: `refusal_response` writes REST's body
(`status`, `code`, `detail`) under /api/ and a GraphQL `errors` list (with the code in
upper case as `extensions.code`) under /graphql/, with the same message and status.
"""

from dataclasses import dataclass

import orjson
from django.http import HttpResponse

from core.errors import CommonErrorCode


@dataclass(frozen=True)
class Refusal:
    """One refusal: HTTP status, REST `code` (GraphQL: its upper case) and message."""

    status: int
    code: CommonErrorCode
    message: str

    @property
    def graphql_code(self) -> str:
        return self.code.upper()


IDEMPOTENCY_KEY_INVALID = Refusal(
    400,
    CommonErrorCode.INVALID_IDEMPOTENCY_KEY,
    "Idempotency-Key must be 1 to 255 visible ASCII characters.",
)
IDEMPOTENCY_KEY_REUSED = Refusal(
    422,
    CommonErrorCode.IDEMPOTENCY_KEY_REUSED,
    "This Idempotency-Key was used for another request (method, path or body); "
    "use a new key for a new request.",
)
IDEMPOTENCY_KEY_IN_USE = Refusal(
    409,
    CommonErrorCode.IDEMPOTENCY_KEY_IN_USE,
    "A request with this Idempotency-Key is still running; retry when it has finished.",
)
UNSUPPORTED_VERSION = Refusal(
    406,
    CommonErrorCode.UNSUPPORTED_VERSION,
    "API version {asked!r} is not served here; supported: {supported}.",
)

REFUSALS = (
    IDEMPOTENCY_KEY_INVALID,
    IDEMPOTENCY_KEY_REUSED,
    IDEMPOTENCY_KEY_IN_USE,
    UNSUPPORTED_VERSION,
)


def is_graphql(request) -> bool:
    return request.path.startswith("/graphql")


def refusal_response(request, refusal: Refusal, **words) -> HttpResponse:
    """The JSON answer of `refusal` on the door `request` came through."""
    # Imported here: the docs generator reads REFUSALS without configured settings,
    # which the REST error module (DRF) needs at import.
    from core.exception_handlers import error_body

    message = refusal.message.format(**words) if words else refusal.message
    if is_graphql(request):
        body = {"errors": [{"message": message, "extensions": {"code": refusal.graphql_code}}]}
    else:
        body = error_body(refusal.status, refusal.code, message)
    return HttpResponse(orjson.dumps(body), status=refusal.status, content_type="application/json")
