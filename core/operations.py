"""One description per operation, read by both doors.

An `Operation` says, once, what a write needs beyond its service call: the per-address
rate-limit scope it counts against, whether the request may wrap it in one transaction,
and which credentials it reads. Each app lists its operations in `<app>/operations.py`
(users/operations.py, oauth/operations.py); the rates themselves stay in settings
(`REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`, keyed by scope).

A door names the operation and declares nothing else of limits, transactions or
credentials:

    # REST (core/operation_views.py): authentication, permission and throttles
    # come from the operation
    class LoginView(OperationView):
        operation = users_ops.LOGIN

    # GraphQL (core/graphql/mutations.py): the view reads the transaction and
    # credentials policy; `mutate` runs after the sign-in check and the rate limit
    class TokenAuth(OperationMutation):
        class Meta:
            name = "TokenAuthPayload"
            operation = users_ops.LOGIN

drf-yasg reads the same operation for the documented rate limit and security
(core/openapi.py); the GraphQL view for its transaction, credentials and per-field
limits (core/graphql/policy.py, core/graphql/rates.py). This module imports
no framework, so the apps' tables import nothing of either door.

To add an operation: one `Operation(...)` in the app's operations.py (and a rate in
settings when it has a new scope), then name it in the REST view and the mutation.

Writes that need only the defaults (the catalog and review writes: all or nothing,
credentials read, the general anon/user limits) name no operation. Who may do a write
on given data (staff for the catalog, the author for a review) is not a credential
here but a rule of its service, which refuses every caller, scripts included
(movies/services/catalog.py, movies/services/reviews.py).
"""

import enum
from dataclasses import dataclass


class Credentials(enum.Enum):
    """Which credentials an operation reads."""

    # Sign-in and sign-up: a stale Bearer header must not block them, so it is not read.
    NONE = "none"
    # Anyone may call; a Bearer header, when sent, must be valid.
    ANYONE = "anyone"
    # A signed-in caller only; the rate limit counts only callers past that check.
    SIGNED_IN = "signed_in"


class Transaction(enum.Enum):
    """Whether the request may run the operation inside its own transaction."""

    # The GraphQL document commits together or not at all (the default).
    ALL_OR_NOTHING = "all_or_nothing"
    # The service commits counters (failed codes and passwords, sends) before it raises:
    # rolling them back would make guessing unlimited. Every service is atomic itself.
    SERVICE_COMMITS = "service_commits"


@dataclass(frozen=True)
class Operation:
    """A write as both doors see it: its limit, transaction policy and credentials.

    `scope` is a key of DEFAULT_THROTTLE_RATES counted per client address (None: only
    the general anon/user limits apply). The per-address limit fails closed: with the
    store down the answer is 503 (docs/security.md).
    """

    name: str
    scope: str | None = None
    transaction: Transaction = Transaction.ALL_OR_NOTHING
    credentials: Credentials = Credentials.ANYONE

    @property
    def all_or_nothing(self) -> bool:
        return self.transaction is Transaction.ALL_OR_NOTHING

    @property
    def reads_credentials(self) -> bool:
        return self.credentials is not Credentials.NONE

    @property
    def signed_in(self) -> bool:
        return self.credentials is Credentials.SIGNED_IN
