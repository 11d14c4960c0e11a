"""The accounts' part of the GraphQL schema (merged in movie_api/schema.py)."""

import graphene

from users.graphql.lifecycle import Mutation as LifecycleMutation
from users.graphql.mutations import Mutation as AccountMutation
from users.graphql.queries import Query


class Mutation(AccountMutation, LifecycleMutation, graphene.ObjectType):
    """Account writes: sign-up, sign-in, lists, and the account's lifetime."""


__all__ = ["Mutation", "Query"]
