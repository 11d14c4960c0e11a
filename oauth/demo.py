"""The help desk (customer_support) as the demo data's OAuth client (docs/oauth.md).

`load_demo_data` registers it with the same service as `register_oauth_client`, so a
local checkout can "Sign in with Movie API" on the desk right after `make run`.
"""

import os

from oauth2_provider.settings import oauth2_settings

from oauth.services import Registration, application_register

HELP_DESK_NAME = "Movie API help desk"
HELP_DESK_CLIENT_ID = "movie-api-help-desk"
HELP_DESK_REDIRECT_URI = "http://127.0.0.1:8001/oauth/callback/"
# Local use only, like the demo passwords; set DEMO_HELP_DESK_CLIENT_SECRET to change it.
HELP_DESK_LOCAL_SECRET = "help-desk-local-secret"


def help_desk_register() -> Registration | None:
    """Create or update the help desk's client (confidential, code flow with PKCE).

    None where only https redirects are accepted (the production settings): the demo
    desk's callback is plain http on loopback, and demo data loaded there (a smoke test,
    a browser check) must not fail for it. A real desk is registered with
    `register_oauth_client` and its https callback.
    """
    if "http" not in oauth2_settings.ALLOWED_REDIRECT_URI_SCHEMES:
        return None
    return application_register(
        name=HELP_DESK_NAME,
        client_id=HELP_DESK_CLIENT_ID,
        client_secret=os.environ.get("DEMO_HELP_DESK_CLIENT_SECRET", HELP_DESK_LOCAL_SECRET),
        redirect_uris=[HELP_DESK_REDIRECT_URI],
    )
