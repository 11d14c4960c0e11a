"""Who may do what on the catalog's REST routes."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from movies.services.catalog import CATALOG_EDIT_DENIED, catalog_can_edit


class IsStaffOrReadOnly(BasePermission):
    """Reads for anyone; writes for staff only.

    An anonymous write is refused by DRF as 401 with `WWW-Authenticate: Bearer` (the
    caller may sign in and retry); a signed-in non-staff write is 403.
    """

    message = CATALOG_EDIT_DENIED

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or catalog_can_edit(user=request.user)
