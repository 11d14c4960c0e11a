"""The lists' part of the GraphQL schema (merged in movie_api/schema.py)."""

import graphene

from lists.graphql.mutations import Mutation as FixedListsMutation
from lists.graphql.queries import Query as ProfileQuery
from lists.graphql.user_list_mutations import Mutation as UserListsMutation
from lists.graphql.user_list_types import Query as UserListsQuery


class Query(ProfileQuery, UserListsQuery, graphene.ObjectType):
    """The caller's profile and its fixed lists; the lists users make."""


class Mutation(FixedListsMutation, UserListsMutation, graphene.ObjectType):
    """Writes of the fixed lists and of the lists users make."""


__all__ = ["Mutation", "Query"]
