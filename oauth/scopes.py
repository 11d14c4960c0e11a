"""The scopes a third-party app may ask for, and what each one lets it do.

Pure Python (no Django imports): the settings read SCOPES for django-oauth-toolkit, the
consent page shows the descriptions, and both doors (REST and GraphQL) read the
operation table below through oauth.access.
"""

OPENID = "openid"
PROFILE = "profile"
READ = "read"
WRITE_REVIEWS = "write:reviews"
WRITE_LISTS = "write:lists"
ACCOUNT = "account"

# Shown on the consent page and in the discovery document, in this order.
SCOPES = {
    OPENID: "Sign you in with your Movie API account",
    PROFILE: "See your username, email address and whether you are staff",
    READ: "Read the catalog and your own lists, reviews and profile",
    WRITE_REVIEWS: "Write, edit and delete your reviews and ratings",
    WRITE_LISTS: "Change your lists (favorites, watched, watchlist)",
    ACCOUNT: "Manage your account: profile, phone, password, deletion",
}

# What an app gets when it asks for no scope at all.
DEFAULT_SCOPES = [READ]
