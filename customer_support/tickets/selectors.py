"""Reads of tickets; every list and detail the front doors show comes from here."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from .models import Ticket, TicketMessage, TicketQuerySet, TicketStatusChange

# The queue's age filter: (opened less than, opened more than) this long ago.
AGES = {
    "day": (timedelta(days=1), None),
    "week": (timedelta(days=7), timedelta(days=1)),
    "older": (None, timedelta(days=7)),
}
AGE_CHOICES = [("day", "Under a day"), ("week", "1 to 7 days"), ("older", "Over 7 days")]


def ticket_list(
    *,
    user,
    status: str | None = None,
    priority: str | None = None,
    movie_id: int | None = None,
    assignee: str | None = None,
    age: str | None = None,
    search: str | None = None,
    q: str | None = None,
    queue_order: bool = False,
) -> TicketQuerySet:
    """Tickets the user may see, filtered, with reporter and history fetched up front.

    ``assignee`` is ``"me"``, ``"none"`` or an agent's id; ``age`` a key of ``AGES``;
    ``search`` matches subject and description, ``q`` every word anywhere the user may
    read (conversation included); ``queue_order`` sorts by first-response due.
    """
    tickets = (
        Ticket.objects.visible_to(user)
        .select_related("reporter", "assignee")
        .prefetch_related(
            Prefetch(
                "status_changes",
                queryset=TicketStatusChange.objects.select_related("changed_by"),
            )
        )
    )
    if status:
        tickets = tickets.filter(status=status)
    if priority:
        tickets = tickets.filter(priority=priority)
    if movie_id is not None:
        tickets = tickets.filter(movie_id=movie_id)
    if assignee == "me":
        tickets = tickets.filter(assignee=user)
    elif assignee == "none":
        tickets = tickets.filter(assignee__isnull=True)
    elif assignee:
        tickets = tickets.filter(assignee_id=int(assignee))
    if age:
        newer_than, older_than = AGES[age]
        tickets = tickets.opened_within(newer_than=newer_than, older_than=older_than)
    if search:
        tickets = tickets.search(search)
    if q:
        tickets = tickets.full_text(q, user=user)
    return tickets.by_first_response_due() if queue_order else tickets


def ticket_get(*, user, pk: int) -> Ticket:
    """One ticket the user may see; Http404 for any other (another customer's included)."""
    return get_object_or_404(ticket_list(user=user), pk=pk)


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a ticket's timeline: a message, or a status change."""

    at: datetime
    message: TicketMessage | None = None
    change: TicketStatusChange | None = None


def message_list(*, ticket: Ticket, user) -> QuerySet:
    """The ticket's messages the user may read (internal notes: agents only), oldest first."""
    return TicketMessage.objects.visible_to(user).filter(ticket=ticket).select_related("author")


def ticket_timeline(*, ticket: Ticket, user) -> list[TimelineEntry]:
    """The conversation the user may read, and the status changes, oldest first."""
    messages = message_list(ticket=ticket, user=user)
    entries = [TimelineEntry(at=m.created_at, message=m) for m in messages]
    entries += [TimelineEntry(at=c.created_at, change=c) for c in ticket.status_changes.all()]
    return sorted(entries, key=lambda e: (e.at, e.change is None))


def agent_list() -> QuerySet:
    """Active agents, for the queue's assignee filter."""
    return get_user_model().objects.filter(is_active=True, is_staff=True).order_by("username")
