"""The Idempotency-Key header on every POST of both doors (docs/guide/browsers.md).

One middleware for both doors, so REST and GraphQL keep one rule: a POST under /api/,
or a POST of a mutation document to /graphql/, that carries the header is run under a
claim of (caller, key) (store.py); a retry replays the first answer with
`Idempotent-Replayed: true`. Without the header nothing changes.

The caller is the account when a valid Bearer token is sent, else the client address
as core.security.client sees it. Anonymous callers behind one address share a
space of keys; a replay still needs the same key AND the same body, so it only ever
answers a request identical to the one that earned the answer (an anonymous
registration replays "code sent" to whoever sends that registration again, which a
fresh run would not tell them either way), and keys are random (a UUID).
"""

import re

from django.http import HttpResponse
from graphql import GraphQLError, OperationType, get_operation_ast, parse

from core.contract import (
    IDEMPOTENCY_KEY_IN_USE,
    IDEMPOTENCY_KEY_INVALID,
    IDEMPOTENCY_KEY_REUSED,
    is_graphql,
    refusal_response,
)
from core.errors import Unauthenticated
from core.graphql.operation import OperationError, check_envelope, read_operation
from core.idempotency.store import (
    Answer,
    IdempotencyKeyInUse,
    IdempotencyKeyReused,
    fingerprint,
    idempotency_key_claim,
    idempotency_key_finish,
)
from core.security.bearer import authenticate_bearer
from core.security.client import client_ip

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
VALID_KEY = re.compile(r"[\x21-\x7e]{1,255}")


class IdempotencyMiddleware:
    """Replays the first answer to a POST retried with the same Idempotency-Key."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.headers.get(HEADER)
        if key is None or request.method != "POST" or not _is_keyed_door(request):
            return self.get_response(request)
        if not VALID_KEY.fullmatch(key):
            return refusal_response(request, IDEMPOTENCY_KEY_INVALID)
        content_type = request.META.get("CONTENT_TYPE", "")
        try:
            claimed = idempotency_key_claim(
                caller=_caller(request),
                key=key,
                fingerprint=fingerprint(
                    method=request.method,
                    path=request.path,
                    query=request.META.get("QUERY_STRING", ""),
                    content_type=content_type,
                    body=request.body,
                ),
            )
        except IdempotencyKeyReused:
            return refusal_response(request, IDEMPOTENCY_KEY_REUSED)
        except IdempotencyKeyInUse:
            return refusal_response(request, IDEMPOTENCY_KEY_IN_USE)
        if isinstance(claimed, Answer):
            return _replay(claimed)
        answer = None
        try:
            response = self.get_response(request)
            if not response.streaming:
                answer = Answer(
                    response.status_code, response.get("Content-Type", ""), response.content
                )
            return response
        finally:
            idempotency_key_finish(claim=claimed, answer=answer)


def _is_keyed_door(request) -> bool:
    """A POST under /api/, or a mutation document posted to /graphql/."""
    if request.path.startswith("/api/"):
        return True
    return is_graphql(request) and _is_mutation_document(request)


def _is_mutation_document(request) -> bool:
    """Read as the GraphQL view will read it (operation.py keeps the reading on the
    request); anything it cannot read is the view's to refuse, unkeyed."""
    try:
        check_envelope(request)
        operation = read_operation(request)
        if not operation.query:
            return False
        node = get_operation_ast(parse(operation.query), operation.operation_name)
    except (OperationError, GraphQLError):
        return False
    return node is not None and node.operation == OperationType.MUTATION


def _caller(request) -> str:
    """The account of a valid Bearer token, else the client address."""
    try:
        authenticated = authenticate_bearer(request)
    except Unauthenticated:
        authenticated = None
    if authenticated is not None:
        return f"user:{authenticated[0].pk}"
    return f"address:{client_ip(request)}"


def _replay(answer: Answer) -> HttpResponse:
    response = HttpResponse(answer.body, status=answer.status, content_type=answer.content_type)
    response[REPLAYED_HEADER] = "true"
    return response
