"""Account queries: the caller's own profile."""

import graphene

from movie_api.graphql.auth import require_user
from users.graphql.types import UserProfile


class Query(graphene.ObjectType):
    """Account reads."""

    me = graphene.Field(
        UserProfile,
        description="The signed-in caller's profile and lists; UNAUTHENTICATED if anonymous.",
    )

    @staticmethod
    def resolve_me(root, info):
        return require_user(info)
