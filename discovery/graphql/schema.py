"""Discovery's part of the GraphQL schema (merged in movie_api/schema.py):
`trendingMovies`, and `me { recommendations }` (added by discovery/graphql/types.py)."""

from discovery.graphql.types import Query

__all__ = ["Query"]
