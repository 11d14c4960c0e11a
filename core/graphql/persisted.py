"""Automatic persisted queries, Apollo's protocol (docs/guide/graphql-reference.md).

A client sends `extensions.persistedQuery = {"version": 1, "sha256Hash": <hex>}`:

- with no query: the document stored under that hash runs; an unknown hash answers
  the error `PersistedQueryNotFound` (code PERSISTED_QUERY_NOT_FOUND), and the client
  sends the hash again with the query;
- with the query: its SHA-256 must be the hash (else 400), and once the document is
  valid it is stored under the hash.

Queries may then go over GET (`?extensions=…&variables=…&operationName=…`), so a
repeated query is a URL an HTTP cache can keep. Documents live in the Django cache
(the shared Redis in production), at most GRAPHQL_PERSISTED_QUERY_MAX_BYTES each,
for GRAPHQL_PERSISTED_QUERY_TIMEOUT seconds after they were last registered. When the
cache is down a lookup misses, and the client falls back to sending the query.
"""

import hashlib
import re

from django.conf import settings
from django.core.cache import cache

from core.errors import GraphQLErrorCode, GraphQLRequestRefused
from core.security.store import CACHE, guarded

NOT_FOUND_MESSAGE = "PersistedQueryNotFound"
NOT_FOUND_CODE = GraphQLErrorCode.PERSISTED_QUERY_NOT_FOUND
CACHE_KEY = "graphql-persisted:{hash}"
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
_STORE_WARNING = "Persisted-query store unavailable (%s: %s); not asked for %.1f s"


class PersistedQueryError(GraphQLRequestRefused):
    """A persisted-query request that cannot run."""


def requested_hash(extensions: dict) -> str | None:
    """The sha256Hash the request's `extensions` object asks for, or None when it uses
    no persisted query (core/graphql/operation.py reads the object)."""
    persisted = extensions.get("persistedQuery")
    if persisted is None:
        return None
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        raise PersistedQueryError("extensions.persistedQuery: only version 1 is supported.")
    digest = persisted.get("sha256Hash")
    if not isinstance(digest, str) or not _SHA256_HEX.fullmatch(digest):
        raise PersistedQueryError(
            "extensions.persistedQuery.sha256Hash: must be 64 lowercase hex digits."
        )
    return digest


def max_bytes() -> int:
    return settings.GRAPHQL_PERSISTED_QUERY_MAX_BYTES


def stored_query(digest: str) -> str:
    """The document stored under `digest`; PersistedQueryNotFound when there is none."""
    query = guarded(
        lambda: cache.get(CACHE_KEY.format(hash=digest)),
        on_failure=lambda: None,
        warning=_STORE_WARNING,
        alias=CACHE,
    )
    if not isinstance(query, str):
        raise PersistedQueryError(NOT_FOUND_MESSAGE, status=200, code=NOT_FOUND_CODE)
    return query


def check_registration(digest: str, query) -> None:
    """A query sent with its hash: it must be text of the hash, within the size bound."""
    if not isinstance(query, str):
        raise PersistedQueryError("query must be a string.")
    encoded = query.encode()
    if hashlib.sha256(encoded).hexdigest() != digest:
        raise PersistedQueryError(
            "extensions.persistedQuery.sha256Hash: does not match the SHA-256 of the query."
        )
    if len(encoded) > max_bytes():
        raise PersistedQueryError(
            f"Persisted query too large: at most {max_bytes()} bytes.",
            status=413,
            code=GraphQLErrorCode.PAYLOAD_TOO_LARGE,
        )


def register(digest: str, query: str) -> None:
    """Store a valid document under its hash (a store failure only costs a resend)."""
    timeout = settings.GRAPHQL_PERSISTED_QUERY_TIMEOUT
    guarded(
        lambda: cache.set(CACHE_KEY.format(hash=digest), query, timeout),
        on_failure=lambda: None,
        warning=_STORE_WARNING,
        alias=CACHE,
    )
