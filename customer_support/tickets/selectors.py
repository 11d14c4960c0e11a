"""Reads of tickets; every list and detail the front doors show comes from here."""

from django.db.models import Prefetch

from .models import Ticket, TicketQuerySet, TicketStatusChange


def ticket_list(
    *,
    user,
    status: str | None = None,
    movie_id: int | None = None,
    search: str | None = None,
) -> TicketQuerySet:
    """Tickets the user may see, filtered, with reporter and history fetched up front."""
    tickets = (
        Ticket.objects.visible_to(user)
        .select_related("reporter")
        .prefetch_related(
            Prefetch(
                "status_changes",
                queryset=TicketStatusChange.objects.select_related("changed_by"),
            )
        )
    )
    if status:
        tickets = tickets.filter(status=status)
    if movie_id is not None:
        tickets = tickets.filter(movie_id=movie_id)
    if search:
        tickets = tickets.search(search)
    return tickets
