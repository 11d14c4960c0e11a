"""Which scope each operation needs when an app signed in with Movie API calls.

ONE table (OPERATIONS) read by both doors: REST looks up the route name and method
(core/authentication.py), GraphQL the root fields of the document
(core/graphql/view.py). The rules:

- the API's own JWTs are not limited: scopes apply to app tokens only;
- a read (GET/HEAD/OPTIONS, a GraphQL query) needs `read` unless the table says
  otherwise (the account export needs `account`);
- a write needs the scope its row names; a write that is in no row (the catalog's
  staff writes, sign-out) is not available to apps at all;
- sign-in and sign-up operations read no credentials, so no token is checked there.
"""

from dataclasses import dataclass, field

from core.errors import Forbidden
from oauth.errors import OAuthErrorCode
from oauth.scopes import ACCOUNT, READ, WRITE_LISTS, WRITE_REVIEWS

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LIST_SEGMENTS = ("favorites", "watched", "watchlist")


@dataclass(frozen=True)
class Operation:
    """What an app may do with `scope`: REST routes (name -> methods), GraphQL fields."""

    scope: str
    what: str  # completes "This app may not ...", e.g. "write reviews"
    rest: dict[str, frozenset[str]] = field(default_factory=dict)
    graphql: frozenset[str] = frozenset()


WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CHANGES = frozenset({"PUT", "PATCH"})

OPERATIONS = (
    Operation(
        WRITE_REVIEWS,
        "write reviews",
        # A rating is a review's rating given on its own: the same scope.
        rest={
            "movie-reviews": frozenset({"POST"}),
            "review-detail": WRITES - {"POST"},
            "movie-rating": frozenset({"PUT", "DELETE"}),
        },
        graphql=frozenset(
            {"createReview", "updateReview", "deleteReview", "rateMovie", "unrateMovie"}
        ),
    ),
    Operation(
        WRITE_LISTS,
        "change your lists",
        # The diary is the dated form of the watched list: the same scope.
        rest={
            **{f"me-{segment}": frozenset({"POST"}) for segment in LIST_SEGMENTS},
            **{f"me-{segment}-item": frozenset({"DELETE"}) for segment in LIST_SEGMENTS},
            "me-diary": frozenset({"POST"}),
            "me-diary-entry": frozenset({"PATCH", "DELETE"}),
        },
        graphql=frozenset(
            {
                "addMovieToList",
                "removeMovieFromList",
                "logWatch",
                "updateDiaryEntry",
                "deleteDiaryEntry",
            }
        ),
    ),
    Operation(
        ACCOUNT,
        "manage your account",
        rest={
            "me": CHANGES,
            "profile-detail": CHANGES,
            "account-export": SAFE_METHODS,
            "password-change": frozenset({"POST"}),
            "phone-change": frozenset({"POST"}),
            "phone-change-confirm": frozenset({"POST"}),
            "email-change": frozenset({"POST"}),
            "account-delete": frozenset({"POST", "DELETE"}),
            "me-app": frozenset({"DELETE"}),
        },
        graphql=frozenset(
            {
                "requestPhoneChange",
                "confirmPhoneChange",
                "changeEmail",
                "deleteAccount",
                "revokeApp",
                "changePassword",
                "updateProfile",
            }
        ),
    ),
)

READING = Operation(READ, "read your data")
NOT_FOR_APPS = Operation("", "do this")

_BY_ROUTE = {
    (name, method): operation
    for operation in OPERATIONS
    for name, methods in operation.rest.items()
    for method in methods
}
_BY_FIELD = {name: operation for operation in OPERATIONS for name in operation.graphql}

NOT_FOR_APPS_MESSAGE = (
    "Apps signed in with Movie API cannot do this; sign in to the Movie API itself to do it."
)


def rest_operation(route_name: str | None, method: str) -> Operation:
    """The operation a REST request is, by its route name and method."""
    method = method.upper()
    found = _BY_ROUTE.get((route_name, method))
    if found is not None:
        return found
    return READING if method in SAFE_METHODS else NOT_FOR_APPS


def graphql_operation(field_name: str, *, mutation: bool) -> Operation:
    """The operation a root field of a GraphQL document is."""
    found = _BY_FIELD.get(field_name)
    if found is not None:
        return found
    return NOT_FOR_APPS if mutation else READING


class InsufficientScope(Forbidden):
    """An app's token lacks the scope an operation needs (or apps may not do it)."""

    def __init__(self, operation: Operation):
        self.scope = operation.scope or None
        if operation is NOT_FOR_APPS:
            super().__init__(NOT_FOR_APPS_MESSAGE, code=OAuthErrorCode.NOT_AVAILABLE_TO_APPS)
        else:
            super().__init__(
                f"This app may not {operation.what}: "
                f"its access token lacks the '{operation.scope}' scope.",
                code=OAuthErrorCode.INSUFFICIENT_SCOPE,
            )


def require_scope(granted: frozenset[str] | None, operation: Operation) -> None:
    """Raises InsufficientScope unless `granted` covers `operation` (None: a JWT, all)."""
    if granted is None:
        return
    if operation is NOT_FOR_APPS or operation.scope not in granted:
        raise InsufficientScope(operation)
