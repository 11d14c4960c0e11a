"""Schemathesis hooks for the GraphQL API scan (loaded with SCHEMATHESIS_HOOKS).

Schemathesis counts every GraphQL `errors` entry that is not a validation error as a
server error (ST113), so the contract's refusals (UNAUTHENTICATED, FORBIDDEN,
NOT_FOUND, THROTTLED; docs/architecture.md) would all be reported. This check fails only on what is
a server error by our contract: an HTTP 5xx, a body that is not a GraphQL response, or
an error entry without a code or with INTERNAL_SERVER_ERROR (an exception no
translator knew; core.graphql.errors.format_error).
"""

import schemathesis

INTERNAL = "INTERNAL_SERVER_ERROR"


@schemathesis.check
def graphql_no_server_error(ctx, response, case):
    """No 5xx, and every GraphQL error carries a contract code other than INTERNAL_SERVER_ERROR."""
    if response.status_code >= 500:
        raise AssertionError(f"HTTP {response.status_code}: {response.text[:500]}")
    try:
        payload = response.json()
    except ValueError:
        message = f"not JSON (HTTP {response.status_code}): {response.text[:200]}"
        raise AssertionError(message) from None
    if not isinstance(payload, dict):
        raise AssertionError(f"not a GraphQL response object: {response.text[:200]}")
    for error in payload.get("errors") or []:
        code = (error.get("extensions") or {}).get("code") if isinstance(error, dict) else None
        if not code or code == INTERNAL:
            raise AssertionError(f"server error in GraphQL response: {error}")
