"""The error codes of Sign in with Movie API (REST body `code`, GraphQL `reason`)."""

from enum import StrEnum


class OAuthErrorCode(StrEnum):
    """Why an app's access token may not do an operation (oauth.access)."""

    INSUFFICIENT_SCOPE = "insufficient_scope"
    NOT_AVAILABLE_TO_APPS = "not_available_to_apps"
