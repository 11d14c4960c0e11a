"""The REST door of an operation (core/operations.py): a view names it, once."""

from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import AllowAny, IsAuthenticated

from core.operations import Operation
from core.throttling import OperationRateThrottle


class NoCredentials(BaseAuthentication):
    """Operations that read no credentials (a stale Bearer header must not block a
    sign-in), but still answer 401 with WWW-Authenticate on bad credentials."""

    def authenticate(self, request):
        return None

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class OperationView:
    """Mixin of a DRF view doing one operation (`operation = <app>_ops.NAME`).

    Its authenticators, permission and throttles come from the operation: no
    credentials read, or signed-in only (DRF checks that before the throttles, so
    refused callers are not counted); the throttle of the operation's per-address
    scope, or DRF's default throttles when the operation has none.
    """

    operation: Operation
    # A route whose methods are different operations (read and change, delete) names
    # the others by HTTP method, e.g. {"DELETE": ops.DELETE_ENTRY}; `operation` is the rest.
    operations_by_method: dict[str, Operation] = {}

    def current_operation(self) -> Operation:
        return self.operations_by_method.get(self.request.method, self.operation)

    def get_authenticators(self):
        if not self.current_operation().reads_credentials:
            return [NoCredentials()]
        return super().get_authenticators()

    def get_permissions(self):
        return [IsAuthenticated() if self.current_operation().signed_in else AllowAny()]

    def get_throttles(self):
        if self.current_operation().scope:
            return [OperationRateThrottle()]
        return super().get_throttles()
