"""The catalog's part of the GraphQL schema (merged in movie_api/schema.py)."""

from movies.graphql import mutations, ratings
from movies.graphql.queries import Query


class Mutation(mutations.Mutation, ratings.Mutation):
    """Catalog writes: the catalog (staff), reviews and ratings (signed in)."""


__all__ = ["Mutation", "Query"]
