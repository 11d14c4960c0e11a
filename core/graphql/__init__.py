"""GraphQL infrastructure shared by every app's schema (the apps hold their own types).

- `view`: the /graphql/ endpoint; `auth`: who is calling; `rates`: rate limits.
- `limits`: what a document may ask before any resolver runs.
- `persisted`: Apollo automatic persisted queries.
- `errors`: one error shape; `policy`: what a mutation declares about itself.
- `selection`, `paging`, `arguments`: what resolvers use to read their input.
"""
