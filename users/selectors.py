"""Reads of accounts. REST and GraphQL get their querysets from here."""

from django.db.models import QuerySet

from users.models import User


def profile_list(*, viewer: User) -> QuerySet[User]:
    """Profiles the viewer may see: all for staff, only their own for everyone else."""
    queryset = User.objects.all() if viewer.is_staff else User.objects.filter(pk=viewer.pk)
    return queryset.order_by("id")
