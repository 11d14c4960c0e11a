"""Account queries: the caller's own profile, with its lists."""

import graphene

from core.graphql.auth import require_user
from lists.graphql.types import UserProfile


class Query(graphene.ObjectType):
    """Account reads."""

    me = graphene.Field(
        UserProfile,
        description="The signed-in caller's profile and lists; UNAUTHENTICATED if anonymous.",
    )

    @staticmethod
    def resolve_me(root, info):
        return require_user(info)
