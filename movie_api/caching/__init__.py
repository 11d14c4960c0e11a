"""Response cache with exact invalidation by generations (docs/caching.md): whole
anonymous answers, and the shared part of signed-in movie lists and details.

- `generation`: the generation counter in the shared cache, read once per lookup and
  bumped after every committed write that can change a cached answer.
- `invalidation`: a database execute wrapper on every connection that spots those
  writes and schedules the bump (on commit; at once outside a transaction).
- `keys`: which requests are cacheable and their keys (REST and GraphQL).
- `canonical`: the request parts every key holds (origin, path, sorted query).
- `middleware`: `ResponseCacheMiddleware` (stored bytes, ETag, 304, edge headers).
- `shared`: signed-in reads, the shared part from the cache and the caller's own
  fields (`my_state`) from the database.
- `pages`: signed-in GraphQL movie lists, the page of rows (catalog data only) from
  the cache; `myState` is read from the database afterwards.
"""
