"""Signed-in reads: the shared part of an answer from the cache, the caller's own part
from the database (docs/caching.md, "Signed-in reads").

A signed-in movie list or detail differs from anyone else's only in the caller's own
fields (`my_state`). The rest — count, links, the cards — is the same for every
caller of the same URL, so it is stored once under the current generation, exactly
like an anonymous answer (generation.py), and each signed-in read adds only its own
fields, read fresh. What is stored is data, not bytes: the view still renders it
(same renderer, same ETag middleware), so the body is the one it computes without a
cache, byte for byte.

The view passes three functions (`answer`): how to compute the caller's full data as
without a cache, how to blank the caller's own fields in it (`split`), and how to fill
them back in for a stored shared part (`merge`).

`remembered` is the mechanism itself, shared with the GraphQL pages of rows (pages.py)
and the list totals (counts.py): only their keys differ.
"""

import hashlib
from collections.abc import Callable

from django.conf import settings

from core.caching import canonical, generation, invalidation
from core.replicas import use_primary

KEY_PREFIX = "shared-part:"


def key(request, kind: str) -> str | None:
    """The key of the shared part of `request`'s answer, or None when not to cache it.

    `kind` names the shape stored (one per view action). Scheme, host, path and the
    canonical query string are everything the shared part depends on; `Accept` is not
    in it because the data is stored before rendering.
    """
    if not settings.RESPONSE_CACHE_ENABLED or canonical.bypassed(request):
        return None
    text = canonical.request_text(request)
    if text is None:
        return None
    return KEY_PREFIX + hashlib.sha256(f"{kind}\n{text}".encode()).hexdigest()


def answer(
    request,
    kind: str,
    *,
    compute: Callable[[], object],
    split: Callable[[object], object],
    merge: Callable[[object], object],
):
    """The caller's data: `merge(stored shared part)` on a hit, else `compute()`, whose
    `split(data)` (a new object with the caller's fields blanked) is what is stored."""
    return remembered(key(request, kind), compute, keep=split, serve=merge)


def remembered(
    cache_key: str | None,
    compute: Callable[[], object],
    *,
    keep: Callable[[object], object] = lambda data: data,
    serve: Callable[[object], object] = lambda data: data,
):
    """`compute()`'s result, or `serve(stored)` when the cache has an entry whose
    generations are all current: the one mechanism of every shared part (signed-in
    REST answers here, GraphQL pages of rows in pages.py, list totals in counts.py).

    - hit: `serve` adds the caller's own fields (if any); nothing else is read. The
      tables the entry was computed from are noted for an enclosing computation, which
      depends on them as much as if it had read them itself;
    - miss: `compute()` runs on the primary, as the middleware's fill does (a lagging
      replica must not be stored under the new generation), recording the tables it
      reads; `keep(data)` is stored with the generations of those tables' models as
      read before the computation, so a write that commits meanwhile leaves it dead.
      Nothing is stored when it read a table no app watches (invalidation.py);
    - no key, or the store down (circuit open, an error, a failed bump): `compute()`, as
      without a cache. A `compute()` that raises (a 400, a 404) stores nothing.
    """
    found = generation.lookup(cache_key) if cache_key is not None else None
    if found is None:
        return compute()
    current, entry = found
    if entry is not None:
        invalidation.note(entry[2])
        return serve(entry[1])
    with use_primary(), invalidation.recording() as tables:
        data = compute()
    stamp = invalidation.stamp(current, tables)
    if stamp is not None:
        generation.save(cache_key, (stamp, keep(data), frozenset(tables)))
    return data
