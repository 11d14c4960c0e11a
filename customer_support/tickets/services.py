"""Writes of tickets. Each service either saves everything or nothing.

The movie API is asked *before* a transaction opens: a slow remote call never holds a
database transaction, and a failed one leaves nothing behind.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from .models import Ticket, TicketMessage, TicketStatusChange
from .movie_api_client.client import MovieApiClient, get_movie_api_client
from .movie_api_client.errors import MovieNotFound


@dataclass(frozen=True)
class MovieReference:
    """A movie as a ticket records it: the movie API's id and the title at that moment."""

    id: int
    title: str


class _Unset:
    """Marks an argument the caller did not pass, where None is a meaningful value."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET = _Unset()


def movie_reference_get(*, movie_id: int, client: MovieApiClient | None = None) -> MovieReference:
    """Look the movie up in the movie API; ValidationError on ``movie_id`` if it has none.

    MovieApiUnavailable / MovieApiError propagate: they are not the caller's input's fault.
    """
    client = client or get_movie_api_client()
    try:
        movie = client.movie(movie_id)
    except MovieNotFound as exc:
        raise ValidationError({"movie_id": str(exc)}, code="movie_not_found") from exc
    return MovieReference(id=movie_id, title=movie.title)


# The moves a customer may make on their own ticket; every other move is an agent's.
CUSTOMER_STATUS_MOVES = {
    (Ticket.Status.OPEN, Ticket.Status.CLOSED),
    (Ticket.Status.PENDING, Ticket.Status.CLOSED),
    (Ticket.Status.RESOLVED, Ticket.Status.CLOSED),
    (Ticket.Status.RESOLVED, Ticket.Status.OPEN),
    (Ticket.Status.CLOSED, Ticket.Status.OPEN),
}
CUSTOMER_STATUS_REFUSAL = "Customers may only close or reopen their own tickets."


def first_response_due(*, opened_at: datetime, priority: str) -> datetime:
    """When an agent must have answered a ticket opened then with this priority."""
    return opened_at + timedelta(hours=Ticket.FIRST_RESPONSE_HOURS[priority])


def _check_status_move(*, ticket: Ticket, actor, new_status: str) -> None:
    if actor.is_staff:
        return
    if ticket.reporter_id != actor.pk or (ticket.status, new_status) not in CUSTOMER_STATUS_MOVES:
        raise PermissionDenied(CUSTOMER_STATUS_REFUSAL)


def _check_agent(actor, what: str) -> None:
    if not actor.is_staff:
        raise PermissionDenied(f"Only support agents may {what}.")


def ticket_create(
    *,
    reporter,
    subject: str,
    description: str,
    movie_id: int | None = None,
    movie: MovieReference | None = None,
) -> Ticket:
    """Open a ticket (and its first history entry); a named movie must exist in the movie API.

    Pass ``movie`` instead of ``movie_id`` when it has just been looked up (the admin form does).
    """
    if movie is None and movie_id is not None:
        movie = movie_reference_get(movie_id=movie_id)
    opened_at = timezone.now()
    ticket = Ticket(
        reporter=reporter,
        subject=subject,
        description=description,
        movie_id=movie.id if movie else None,
        movie_title=movie.title if movie else "",
        created_at=opened_at,
        first_response_due=first_response_due(opened_at=opened_at, priority=Ticket.Priority.NORMAL),
    )
    ticket.full_clean()
    with transaction.atomic():
        ticket.save()
        TicketStatusChange.objects.create(
            ticket=ticket, from_status="", to_status=ticket.status, changed_by=reporter
        )
    return ticket


def ticket_update(
    *,
    ticket: Ticket,
    actor,
    subject: str | None = None,
    description: str | None = None,
    status: str | None = None,
    priority: str | None = None,
    movie_id: int | _Unset | None = UNSET,
    movie: MovieReference | _Unset | None = UNSET,
    note: str = "",
) -> Ticket:
    """Change a ticket; each status change is recorded in its history.

    Agents change any status and the priority; a customer may only close their own ticket
    or reopen it. ``movie_id=None`` unlinks the movie; leaving both ``movie_id`` and
    ``movie`` unset keeps it.
    """
    if status is not None and status not in Ticket.Status.values:
        raise ValidationError({"status": f"'{status}' is not a ticket status."})
    if priority is not None and priority not in Ticket.Priority.values:
        raise ValidationError({"priority": f"'{priority}' is not a ticket priority."})
    # Re-snapshot only when the movie changes: an unchanged id needs no remote call.
    if movie is UNSET and movie_id is not UNSET and movie_id != ticket.movie_id:
        movie = None if movie_id is None else movie_reference_get(movie_id=movie_id)

    with transaction.atomic():
        # Lock the row so two agents changing the status record a true from → to history.
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        old_status = locked.status
        if status is not None and status != old_status:
            _check_status_move(ticket=locked, actor=actor, new_status=status)
        if priority is not None and priority != locked.priority:
            _check_agent(actor, "change a ticket's priority")
            locked.priority = priority
            locked.first_response_due = first_response_due(
                opened_at=locked.created_at, priority=priority
            )
        if subject is not None:
            locked.subject = subject
        if description is not None:
            locked.description = description
        if status is not None:
            locked.status = status
        if movie is not UNSET:
            locked.movie_id = movie.id if movie else None
            locked.movie_title = movie.title if movie else ""
        locked.full_clean(exclude=["reporter"])
        locked.save()
        if locked.status != old_status:
            TicketStatusChange.objects.create(
                ticket=locked,
                from_status=old_status,
                to_status=locked.status,
                changed_by=actor,
                note=note,
            )
    return locked


def ticket_assign(*, ticket: Ticket, actor, assignee) -> Ticket:
    """Give a ticket to an agent (``None`` to unassign); agents only, and only to agents."""
    _check_agent(actor, "assign tickets")
    if assignee is not None and not (assignee.is_active and assignee.is_staff):
        raise ValidationError({"assignee": f"{assignee} is not a support agent."})
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        locked.assignee = assignee
        locked.save(update_fields=["assignee", "updated_at"])
    return locked


def ticket_reply(*, ticket: Ticket, author, body: str, internal: bool = False) -> TicketMessage:
    """Add a message to a ticket's conversation, and move its status the way a desk does.

    A customer's reply reopens a pending or resolved ticket (a closed one must be reopened
    first). An agent's public reply answers the customer: the first one stamps the first
    response, and an open ticket becomes pending (waiting on the customer). An internal
    note is for agents only and changes nothing else.
    """
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write a message."})
    if internal:
        _check_agent(actor=author, what="write internal notes")
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if not author.is_staff and locked.reporter_id != author.pk:
            raise PermissionDenied("Only the customer who opened a ticket may reply to it.")
        if not internal and not author.is_staff and locked.status == Ticket.Status.CLOSED:
            raise ValidationError({"body": "This ticket is closed: reopen it to reply."})
        message = TicketMessage(ticket=locked, author=author, body=body, internal=internal)
        message.full_clean()
        message.save()
        new_status = locked.status
        if not internal and author.is_staff:
            if locked.first_responded_at is None:
                locked.first_responded_at = message.created_at
            if locked.status == Ticket.Status.OPEN:
                new_status = Ticket.Status.PENDING
        elif not internal and locked.status in (Ticket.Status.PENDING, Ticket.Status.RESOLVED):
            new_status = Ticket.Status.OPEN
        if new_status != locked.status:
            TicketStatusChange.objects.create(
                ticket=locked, from_status=locked.status, to_status=new_status, changed_by=author
            )
            locked.status = new_status
        locked.save()
    return message
