"""GraphQL types of accounts: the identity of a token pair and the profile's own fields."""

import graphene

from core.versions import DEPRECATIONS
from users.current_password import DEPRECATION as CURRENT_PASSWORD_DEPRECATION


def step_up_code():
    """The optional `code` argument of every password check (sign-in and the current
    password before a change), needed only after an error with reason `step_up_required`."""
    return graphene.String(
        description="The 6-digit SMS code, only after an error with reason `step_up_required`."
    )


def current_password_argument():
    """`currentPassword`: the one name of the current password (users/current_password.py).
    Not required in the schema only while the deprecated `password` may stand in for it;
    a request with neither is refused on `currentPassword` by the service."""
    return graphene.String(description="The current password.")


def deprecated_password_argument():
    """The old name of the current password, until its sunset (docs/api-changelog.md)."""
    return graphene.String(
        description="The current password (deprecated name).",
        deprecation_reason=DEPRECATIONS[CURRENT_PASSWORD_DEPRECATION].reason,
    )


class AuthUser(graphene.ObjectType):
    """The identity that comes with a token pair."""

    id = graphene.ID(required=True, description="Database id of the user.")
    username = graphene.String(required=True, description="Username.")
    email = graphene.String(required=True, description="Email address.")

    @staticmethod
    def resolve_id(root, info):
        return root["id"] if isinstance(root, dict) else root.id

    @staticmethod
    def resolve_username(root, info):
        return root["username"] if isinstance(root, dict) else root.username

    @staticmethod
    def resolve_email(root, info):
        return root["email"] if isinstance(root, dict) else root.email


class ProfileFields(graphene.ObjectType):
    """The account's own fields of the caller's profile.

    The `UserProfile` type the schema shows adds the lists, reviews and export
    (lists/graphql/types.py).
    """

    class Meta:
        abstract = True

    id = graphene.ID(required=True, description="Database id of the user.")
    username = graphene.String(required=True, description="Username.")
    email = graphene.String(required=True, description="Email address.")
    phone_number = graphene.String(description="Verified phone number (E.164).")
    phone_verified = graphene.Boolean(required=True, description="The phone number is verified.")
    bio = graphene.String(required=True, description="Short biography (may be empty).")
    profile_picture_url = graphene.String(description="Absolute URL of the picture, if any.")
    is_staff = graphene.Boolean(required=True, description="May curate the catalog.")
    date_joined = graphene.DateTime(required=True, description="When the account was created.")

    @staticmethod
    def resolve_phone_verified(root, info):
        return root.phone_verified_at is not None

    @staticmethod
    def resolve_profile_picture_url(root, info):
        if not root.profile_picture:
            return None
        return info.context.build_absolute_uri(root.profile_picture.url)
