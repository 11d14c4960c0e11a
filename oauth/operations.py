"""The operations of Sign in with Movie API (core/operations.py says what each part
means); the rate of the scope is in settings (DEFAULT_THROTTLE_RATES, THROTTLE_OAUTH_TOKEN).
"""

from core.operations import Credentials, Operation

# The token endpoint checks client secrets and codes, which guessing must not outrun:
# limited per client address, failing closed. It reads the client's credentials, not a
# Bearer token.
OAUTH_TOKEN = Operation("oauth_token", scope="oauth_token", credentials=Credentials.NONE)
