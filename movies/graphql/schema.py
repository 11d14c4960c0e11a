"""The catalog's part of the GraphQL schema (merged in movie_api/schema.py)."""

from movies.graphql.mutations import Mutation
from movies.graphql.queries import Query

__all__ = ["Mutation", "Query"]
