"""The anonymous response cache at the HTTP edge (docs/caching.md): whole answers from
stored bytes, and the edge headers of every API answer.

- `keys`: which requests are cacheable and their keys (REST and GraphQL).
- `middleware`: `ResponseCacheMiddleware` (stored bytes, ETag, 304, edge headers).

It sits above both doors' machinery: a GraphQL request is keyed by the operation
core.graphql reads from it (the one the view executes), and the entries, their
generations and invalidation are core.caching's, which core.graphql builds on.
"""
