"""The accounts' part of the GraphQL schema (merged in movie_api/schema.py)."""

from users.graphql.mutations import Mutation
from users.graphql.queries import Query

__all__ = ["Mutation", "Query"]
