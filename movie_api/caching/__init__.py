"""Cached answers with exact invalidation by generations (docs/caching.md): the
generation, memoised list totals, and the shared part of signed-in lists and details.

The middleware that answers whole anonymous requests, and its keys, are one floor up in
movie_api.response_cache: a GraphQL request is keyed by the GraphQL machinery's own
reading of it, and that machinery (movie_api.graphql) builds on this package (pages,
counts), so this package imports no GraphQL module.

- `generation`: the generation counter in the shared cache, read once per lookup and
  bumped after every committed write that can change a cached answer.
- `invalidation`: a database execute wrapper on every connection that spots those
  writes and schedules the bump (on commit; at once outside a transaction).
- `canonical`: the request parts every key holds (origin, path, sorted query).
- `shared`: signed-in reads, the shared part from the cache and the caller's own
  fields (`my_state`) from the database.
- `pages`: signed-in GraphQL movie lists, the page of rows (catalog data only) from
  the cache; `myState` is read from the database afterwards.
"""
