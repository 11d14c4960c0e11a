"""The accounts' part of the GraphQL schema (merged in movie_api/schema.py).

The caller's profile (`me`) shows the movie lists, so the lists app serves it
(lists/graphql/queries.py); accounts add only mutations.
"""

import graphene

from users.graphql.lifecycle import Mutation as LifecycleMutation
from users.graphql.mutations import Mutation as AccountMutation


class Mutation(AccountMutation, LifecycleMutation, graphene.ObjectType):
    """Account writes: sign-up, sign-in, and the account's lifetime."""


__all__ = ["Mutation"]
