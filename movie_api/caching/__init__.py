"""Anonymous response cache with exact invalidation by generations (docs/caching.md).

- `generation`: the generation counter in the shared cache, read once per lookup and
  bumped after every committed write that can change a cached answer.
- `invalidation`: a database execute wrapper on every connection that spots those
  writes and schedules the bump (on commit; at once outside a transaction).
- `keys`: which requests are cacheable and their keys (REST and GraphQL).
- `middleware`: `ResponseCacheMiddleware` (stored bytes, ETag, 304, edge headers).
"""
