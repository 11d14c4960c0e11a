"""Which requests the response cache may answer, and the key of each.

Only anonymous reads: no Authorization header and no session cookie (the only two
ways to sign in). REST: GET/HEAD on the catalog paths of REST_PATHS.
GraphQL: a query (POST JSON or GET) keyed by its normalised document (parsed and
printed by graphql-core, so whitespace, commas and comments do not matter), the
operation name and the canonical JSON of its variables, all taken from the one
operation the view executes (graphql/operation.py); an Apollo persisted query sent as
a hash alone is keyed by its stored document, a hash sent with a query is checked
first. Mutations, subscriptions and introspection-only documents are never cacheable,
nor is a request whose operation cannot be read (URL and body both carrying one).

Every key also holds scheme and host (pagination links are absolute), the path, the
query string with its parameters in a fixed order, and the Accept header.
"""

import functools
import hashlib
import re

import orjson
from django.conf import settings
from graphql import GraphQLError, OperationType, parse, print_ast
from graphql.language import FieldNode, OperationDefinitionNode

from core.caching.canonical import bypassed, request_text
from core.graphql.input_limits import input_limit_errors
from core.graphql.limits import MAX_LEXICAL_TOKENS, document_key
from core.graphql.operation import PARAMETERS, OperationError, read_operation

GRAPHQL_PATH = "/graphql/"


@functools.lru_cache(maxsize=8)
def _rest_paths(patterns: tuple) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def is_anonymous(request) -> bool:
    return "HTTP_AUTHORIZATION" not in request.META and (
        settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def in_scope(request) -> bool:
    """A path whose answers get edge headers: the REST API and GraphQL."""
    return request.path_info.startswith(("/api/", GRAPHQL_PATH))


# The anonymous REST reads that are cached (full-path regular expressions).
REST_PATHS = (
    r"/api/movies/",
    r"/api/movies/\d+/",
    r"/api/movies/\d+/reviews/",
    r"/api/movies/\d+/similar/",
    r"/api/movies/(?:genres|actors|reviews)/(?:\d+/)?",
    # Public lists: an anonymous caller sees no private list, not even as a row.
    r"/api/lists/(?:\d+/(?:items/)?)?",
)


def request_key(request) -> str | None:
    """The cache key of `request`, or None when its answer must not come from the cache."""
    if bypassed(request) or not is_anonymous(request):
        return None
    path = request.path_info
    if path == GRAPHQL_PATH:
        part = _graphql_part(request)
    elif request.method in ("GET", "HEAD") and _rest_paths(REST_PATHS).fullmatch(path):
        part = "rest"
    else:
        return None
    if part is None:
        return None
    # GraphQL's own parameters are in `part` already, in canonical form.
    canonical = request_text(
        request, keep=None if part == "rest" else lambda name: name not in PARAMETERS
    )
    if canonical is None:  # a host Django refuses: the stack answers 400 itself
        return None
    text = "\n".join((canonical, request.META.get("HTTP_ACCEPT", ""), part))
    return "response-cache:" + hashlib.sha256(text.encode()).hexdigest()


def _graphql_part(request) -> str | None:
    """The GraphQL half of the key (document, operation, variables) or None.

    Read with the view's own reading of the request (graphql/operation.py, kept on the
    request), so the answer stored under this key is the answer of this operation. A
    request that reading refuses (parameters in both URL and body, a wrong persisted
    hash, ...) is not cacheable: the view answers its error.
    """
    try:
        operation = read_operation(request)
    except OperationError:
        return None
    if operation.query is None or operation.registration is not None:
        # A query sent with its hash registers the hash, which only the view does: a
        # hit would leave the hash unknown, and the client sending it forever.
        return None
    document = analyse(operation.query)
    if document is None or not _is_plain_query(document, operation.operation_name):
        return None
    try:
        canonical = orjson.dumps(operation.variables or {}, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:  # nested deeper than orjson writes: not cacheable
        return None
    return f"graphql\n{operation.operation_name or ''}\n{canonical.decode()}\n{document.key}"


class _Document:
    """A parsed document: its normalised text's digest and its cacheable operations."""

    __slots__ = ("key", "operations")

    def __init__(self, key: str, operations: dict):
        self.key, self.operations = key, operations


def analyse(query: str) -> "_Document | None":
    """The document of `query`, parsed once per token sequence (comments ignored)."""
    token_key = document_key(query)
    if token_key is None:
        return None
    return _analyse(_Text(query, token_key))


class _Text:
    __slots__ = ("key", "text")

    def __init__(self, text, key):
        self.text, self.key = text, key

    def __hash__(self):
        return hash(self.key)

    def __eq__(self, other):
        return isinstance(other, _Text) and other.key == self.key


@functools.lru_cache(maxsize=512)
def _analyse(query: _Text) -> "_Document | None":
    if input_limit_errors(query.text):
        return None  # refused by the view before parsing: not parsed here either
    try:
        document = parse(query.text, max_tokens=MAX_LEXICAL_TOKENS, no_location=True)
    except GraphQLError:
        return None
    operations = {}
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            name = definition.name.value if definition.name else None
            operations[name] = definition.operation == OperationType.QUERY and not all(
                isinstance(node, FieldNode) and node.name.value.startswith("__")
                for node in definition.selection_set.selections
            )
    printed = print_ast(document)
    return _Document(hashlib.sha256(printed.encode()).hexdigest(), operations)


def _is_plain_query(document: "_Document", operation: str | None) -> bool:
    """True when the operation to run is a query that reads more than introspection."""
    if operation is None:
        return len(document.operations) == 1 and next(iter(document.operations.values()))
    return document.operations.get(operation, False)
