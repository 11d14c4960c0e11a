"""The one reading of a GraphQL request: method, URL and body into one operation.

The response cache's key (core/response_cache/keys.py) and the executor
(core/graphql/view.py) both use the object `read_operation` returns, kept on the
request, so a cached answer is always the answer of the operation that was keyed.
When they read the request each their own way, the key came from the JSON body while
graphene ran the `query` of the URL: one request stored another operation's answer
under the key of an innocent query (docs/security.md, "Hardening II").

The rules:
- GET carries the operation in the URL only; a GET with a body is refused (a CDN keys
  a GET by its URL, so a body could not be part of any key).
- POST carries it in a JSON (or application/graphql) body, or in the URL; a request
  with GraphQL parameters in both places is refused, naming them.
- `variables` and `extensions` are JSON objects (as text in a URL), `operationName` a
  string, `query` a string; JSON nested too deeply is refused as REST refuses it.
- A persisted query's hash is resolved (hash only) or checked against the query sent
  with it here, before anything reads the response cache.
"""

import json
from dataclasses import dataclass

from django.conf import settings

from core.errors import JSON_NESTED_TOO_DEEPLY_MESSAGE, GraphQLErrorCode, GraphQLRequestRefused
from core.graphql import persisted
from core.graphql.input_limits import MAX_VARIABLES, VARIABLES_MESSAGE
from core.graphql.limits import DEFAULT_MAX_BODY_BYTES

PARAMETERS = ("query", "variables", "operationName", "extensions")
MEDIA_TYPES = ("application/json", "application/graphql")
_REQUEST_ATTRIBUTE = "graphql_operation"


@dataclass(frozen=True)
class Operation:
    """What to run: the document text, its variables and operation name.

    `registration` is (hash, query) when the request registers a persisted query,
    which the view stores once the document is valid.
    """

    query: str | None
    variables: dict | None
    operation_name: str | None
    registration: tuple[str, str] | None = None
    raw: bool = False  # the body asked for JSON, not GraphiQL (graphene's "raw")


class OperationError(GraphQLRequestRefused):
    """A request that cannot be read as one operation."""


def body_limit() -> int:
    return getattr(settings, "GRAPHQL_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES)


def media_type(request) -> str:
    meta = request.META
    return meta.get("CONTENT_TYPE", meta.get("HTTP_CONTENT_TYPE", "")).split(";", 1)[0].lower()


def check_envelope(request) -> None:
    """Method, size and media type: what is refused before the request is read."""
    limit = body_limit()
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit or len(request.META.get("QUERY_STRING", "")) > limit:
        raise OperationError(
            f"Request too large: at most {limit} bytes.",
            status=413,
            code=GraphQLErrorCode.PAYLOAD_TOO_LARGE,
        )
    if request.method not in ("GET", "POST"):
        raise OperationError(
            "GraphQL accepts GET (queries only) and POST.",
            status=405,
            code=GraphQLErrorCode.METHOD_NOT_ALLOWED,
        )
    if request.method == "POST" and media_type(request) not in MEDIA_TYPES:
        # Forms and text/plain are what a cross-site page can send without a CORS
        # preflight; GraphQL clients send JSON.
        raise OperationError(
            "Send the request as application/json (or application/graphql).",
            status=415,
            code=GraphQLErrorCode.UNSUPPORTED_MEDIA_TYPE,
        )
    if request.method == "POST" and len(request.body) > limit:
        raise OperationError(
            f"Request too large: at most {limit} bytes.",
            status=413,
            code=GraphQLErrorCode.PAYLOAD_TOO_LARGE,
        )


def read_operation(request) -> Operation:
    """The request's operation, read once and kept on the request (errors too)."""
    found = getattr(request, _REQUEST_ATTRIBUTE, None)
    if found is None:
        try:
            found = _read(request)
        except OperationError as error:
            found = error
        setattr(request, _REQUEST_ATTRIBUTE, found)
    if isinstance(found, OperationError):
        raise found
    return found


def _read(request) -> Operation:
    check_envelope(request)
    in_url = {name: request.GET[name] for name in PARAMETERS if name in request.GET}
    body = _body(request)
    in_body = {name: body[name] for name in PARAMETERS if name in body}
    if in_url and in_body:
        raise OperationError(
            f"GraphQL parameters in both the URL ({', '.join(in_url)}) and the body "
            f"({', '.join(in_body)}): send the operation in one place."
        )
    params = in_url or in_body
    query = params.get("query")
    variables = _json_object("variables", params.get("variables"))
    extensions = _json_object("extensions", params.get("extensions"))
    operation_name = params.get("operationName")
    if in_url and operation_name == "null":
        operation_name = None  # how GraphiQL's URL says "no name"
    if query is not None and not isinstance(query, str):
        raise OperationError("query must be a string.")
    if operation_name is not None and not isinstance(operation_name, str):
        raise OperationError("operationName must be a string.")
    if variables is not None and len(variables) > MAX_VARIABLES:
        raise OperationError(VARIABLES_MESSAGE)  # the document's cap, on the values sent
    query, registration = _persisted(query, extensions)
    raw = "raw" in request.GET or "raw" in body
    return Operation(query, variables, operation_name, registration, raw)


def _body(request) -> dict:
    """The body's GraphQL parameters (an empty dict when there is no body)."""
    if request.method == "GET":
        if request.body:
            raise OperationError(
                "A GET request carries its operation in the URL; send a body with POST."
            )
        return {}
    if media_type(request) == "application/graphql":
        return {"query": _text(request.body)}
    if not request.body:
        return {}
    data = _loads(_text(request.body), "POST body sent invalid JSON.")
    if not isinstance(data, dict):  # a batch (a JSON array) too: one operation a request
        raise OperationError("The received data is not a valid JSON query.")
    return data


def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise OperationError("The body is not valid UTF-8.") from None


def _loads(text: str, invalid: str):
    try:
        return json.loads(text)
    except RecursionError:
        # Thousands of nested `[`: the same refusal as REST's JSON parser.
        raise OperationError(JSON_NESTED_TOO_DEEPLY_MESSAGE) from None
    except ValueError:
        raise OperationError(invalid) from None


# A JSON-object parameter's messages: (not valid JSON, not an object).
_OBJECT_MESSAGES = {
    "variables": ("Variables are invalid JSON.", "Variables must be a JSON object."),
    "extensions": ("extensions: not valid JSON.", "extensions: must be a JSON object."),
}


def _json_object(name: str, value) -> dict | None:
    """A JSON object parameter (sent as text in a URL, or a string in a body)."""
    invalid, not_object = _OBJECT_MESSAGES[name]
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = _loads(value, invalid)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise OperationError(not_object)
    return value


def _persisted(query, extensions) -> tuple[str | None, tuple[str, str] | None]:
    """(the document to run, the registration to make) for a persisted-query request."""
    try:
        digest = persisted.requested_hash(extensions or {})
        if digest is None:
            return query, None
        if query is None:
            return persisted.stored_query(digest), None
        persisted.check_registration(digest, query)
        return query, (digest, query)
    except persisted.PersistedQueryError as error:
        raise OperationError(error.message, status=error.status, code=error.code) from None
