from django.apps import AppConfig


class OAuthConfig(AppConfig):
    """ "Sign in with Movie API": the OAuth 2 / OpenID Connect provider (docs/oauth.md).

    django-oauth-toolkit (`oauth2_provider`) holds the clients, grants and tokens and
    speaks the protocol; this app adds the project's scopes, claims, discovery extras,
    the client-registration command and the "my authorized apps" services.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "oauth"
    label = "oauth"
