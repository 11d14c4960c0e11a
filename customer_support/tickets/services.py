"""Writes of tickets. Each service either saves everything or nothing.

The movie API is asked *before* a transaction opens: a slow remote call never holds a
database transaction, and a failed one leaves nothing behind.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from .models import Ticket, TicketStatusChange
from .movie_api_client import MovieApiClient, MovieNotFound, get_movie_api_client


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
    ticket = Ticket(
        reporter=reporter,
        subject=subject,
        description=description,
        movie_id=movie.id if movie else None,
        movie_title=movie.title if movie else "",
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
    movie_id: int | _Unset | None = UNSET,
    movie: MovieReference | _Unset | None = UNSET,
    note: str = "",
) -> Ticket:
    """Change a ticket; only staff change its status, and each change is recorded in history.

    ``movie_id=None`` unlinks the movie; leaving both ``movie_id`` and ``movie`` unset keeps it.
    """
    if status is not None and status not in Ticket.Status.values:
        raise ValidationError({"status": f"'{status}' is not a ticket status."})
    # Re-snapshot only when the movie changes: an unchanged id needs no remote call.
    if movie is UNSET and movie_id is not UNSET and movie_id != ticket.movie_id:
        movie = None if movie_id is None else movie_reference_get(movie_id=movie_id)

    with transaction.atomic():
        # Lock the row so two agents changing the status record a true from → to history.
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        old_status = locked.status
        if status is not None and status != old_status and not actor.is_staff:
            raise PermissionDenied("Only support staff may change a ticket's status.")
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
