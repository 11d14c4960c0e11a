"""Cached answers with exact invalidation by generations (docs/caching.md): the
generation, memoised list totals, and the shared part of signed-in lists and details.

The middleware that answers whole anonymous requests, and its keys, are one floor up in
core.response_cache: a GraphQL request is keyed by the GraphQL machinery's own
reading of it, and that machinery (core.graphql) builds on this package (pages,
counts), so this package imports no GraphQL module.

- `generation`: the generation counters in the security store (a global one and one per
  watched model), all read in one call per lookup.
- `invalidation`: which models cached answers read (`watch()`, declared by each app),
  the signals and queryset that bump a model's generation on its writes (on commit; at
  once outside a transaction), and the record of the tables an answer read.
- `canonical`: the request parts every key holds (origin, path, sorted query).
- `shared`: `remembered()`, the one mechanism of every shared part; signed-in REST
  reads use it with the caller's own fields (`my_state`) from the database.
- `pages`: the key of a signed-in GraphQL movie list's page of rows (catalog data only);
  `myState` is read from the database afterwards.
- `counts`: the key of a list's memoised total.
"""
