"""Who may do what on the catalog's REST routes."""

from rest_framework.permissions import SAFE_METHODS, BasePermission


class IsStaffOrReadOnly(BasePermission):
    """Reads for anyone; writes for staff only.

    An anonymous write is refused by DRF as 401 with `WWW-Authenticate: Bearer` (the
    caller may sign in and retry); a signed-in non-staff write is 403.
    """

    message = "Only staff may change the catalog."

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        user = request.user
        return bool(user and user.is_authenticated and user.is_staff)
