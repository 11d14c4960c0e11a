"""The OAuth provider's part of the GraphQL schema: the caller's authorized apps.

Merged in movie_api/schema.py. The twin of /api/users/me/apps/ (oauth/api/views.py):
both read oauth.selectors.authorized_apps and write through oauth.services.app_revoke.
"""

import graphene

from core.graphql.auth import require_user
from oauth import selectors, services


class AuthorizedApp(graphene.ObjectType):
    """An app that can act for the caller (Sign in with Movie API)."""

    id = graphene.ID(required=True, description="Database id; pass it to revokeApp.")
    name = graphene.String(required=True, description="The app's name, as on the consent page.")
    client_id = graphene.String(required=True, description="The app's OAuth client id.")
    scopes = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="What the caller let the app do (openid, profile, read, write:reviews, ...).",
    )
    authorized_at = graphene.DateTime(
        required=True, description="When its oldest live token was issued."
    )


class Query(graphene.ObjectType):
    """The caller's authorized apps."""

    my_apps = graphene.List(
        graphene.NonNull(AuthorizedApp),
        required=True,
        description="Apps you authorized with Sign in with Movie API, newest first.",
    )

    @staticmethod
    def resolve_my_apps(root, info):
        return selectors.authorized_apps(user=require_user(info))


class RevokeApp(graphene.Mutation):
    """Withdraw one app's access: its tokens stop working at once."""

    class Meta:
        name = "RevokeAppPayload"

    class Arguments:
        id = graphene.ID(required=True, description="Database id of the authorized app.")

    ok = graphene.Boolean(required=True, description="True when the app's access is revoked.")

    @staticmethod
    def mutate(root, info, id):
        services.app_revoke(user=require_user(info), application_id=id)
        return RevokeApp(ok=True)


class Mutation(graphene.ObjectType):
    """Revoking an authorized app."""

    revoke_app = RevokeApp.Field(description="Withdraw an app's access to your account.")
