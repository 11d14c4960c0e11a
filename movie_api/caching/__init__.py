"""Response cache with exact invalidation by generations (docs/caching.md): whole
anonymous answers, and the shared part of signed-in movie lists and details.

- `generation`: the generation counters in the security store (a global one and one per
  watched model), all read in one call per lookup.
- `invalidation`: which models cached answers read (`watch()`, declared by each app),
  the signals and queryset that bump a model's generation on its writes (on commit; at
  once outside a transaction), and the record of the tables an answer read.
- `keys`: which requests are cacheable and their keys (REST and GraphQL).
- `canonical`: the request parts every key holds (origin, path, sorted query).
- `middleware`: `ResponseCacheMiddleware` (stored bytes, ETag, 304, edge headers).
- `shared`: `remembered()`, the one mechanism of every shared part; signed-in REST
  reads use it with the caller's own fields (`my_state`) from the database.
- `pages`: the key of a signed-in GraphQL movie list's page of rows (catalog data only);
  `myState` is read from the database afterwards.
- `counts`: the key of a list's memoised total.
"""
