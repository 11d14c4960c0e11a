"""The lists' part of the GraphQL schema (merged in movie_api/schema.py)."""

from lists.graphql.mutations import Mutation
from lists.graphql.queries import Query

__all__ = ["Mutation", "Query"]
