"""The parts of a request that a cached answer's shared content depends on, canonical.

Scheme and host (pagination links and image URLs are absolute), the path, and the
query string with its parameters in a fixed order (`?a=1&b=2` and `?b=2&a=1` are one
request). Used by the anonymous keys (core/response_cache/keys.py) and the
signed-in shared parts (shared.py); this module imports nothing of GraphQL, so the REST
doors may use it.
"""

import functools
from urllib.parse import parse_qsl, urlencode

from django.core.exceptions import DisallowedHost

# The in-process benchmark times the uncached path with this WSGI environ key; a
# client cannot set it (only HTTP_* keys come from headers).
BYPASS_ENVIRON_KEY = "core.response_cache"


def bypassed(request) -> bool:
    return request.META.get(BYPASS_ENVIRON_KEY) == "bypass"


def request_text(request, *, keep=None) -> str | None:
    """`origin\\npath\\nquery` (parameters sorted by name; `keep(name)` filters them).

    None for a host Django refuses (the stack answers 400 itself).
    """
    try:
        origin = f"{request.scheme}://{request.get_host()}"
    except DisallowedHost:
        return None
    query = request.META.get("QUERY_STRING", "")
    canonical = _every_parameter(query) if keep is None else _parameters(query, keep)
    return "\n".join((origin, request.path_info, canonical))


@functools.lru_cache(maxsize=1024)
def _every_parameter(query: str) -> str:
    # Memoised: a catalog is read through a few thousand distinct query strings, and
    # every cache hit would otherwise parse, sort and encode its own again.
    return _parameters(query, None)


def _parameters(query: str, keep) -> str:
    pairs = sorted(
        ((name, value) for name, value in parse_qsl(query, True) if keep is None or keep(name)),
        key=lambda pair: pair[0],
    )
    return urlencode(pairs)
