"""The OpenAPI words of the "my authorized apps" routes the oauth app mounts under
/api/users/ (how they are read: core/operation_docs.py; the flows themselves are
in docs/oauth.md)."""

from core.operation_docs import Operation

OPERATIONS = {
    "users_me_apps_list": Operation(
        "List my authorized apps",
        "The third-party apps the caller has let act for them through Sign in with Movie "
        "API (OAuth 2 / OpenID Connect), newest first, each with the scopes it was granted. "
        "Signed-in callers only (401 otherwise); an app's own token needs the `read` scope "
        "(403 `insufficient_scope` otherwise).",
    ),
    "users_me_apps_delete": Operation(
        "Revoke an authorized app",
        "Withdraws one app's access: every access and refresh token it holds for the caller "
        "stops working at once, on both doors. 204 when revoked; an id that is not one of "
        "the caller's apps is 404. Signed-in callers only (401 otherwise); an app's own "
        "token needs the `account` scope.",
    ),
}
