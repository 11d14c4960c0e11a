"""The diary's part of the GraphQL schema (merged in movie_api/schema.py): its
mutations, and `me { diary yearInReview }` (added to the profile by diary/graphql/types.py)."""

from diary.graphql import types  # noqa: F401  (adds the profile's diary fields)
from diary.graphql.mutations import Mutation

__all__ = ["Mutation"]
