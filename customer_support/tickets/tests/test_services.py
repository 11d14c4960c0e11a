"""Ticket services, called directly: all or nothing, and who may change what."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ..models import Ticket, TicketStatusChange
from ..movie_api_client.errors import MovieApiUnavailable
from ..services import MovieReference, ticket_create, ticket_update
from .factories import TicketFactory
from .fake_movie_api import closed_port_url

pytestmark = pytest.mark.django_db


def test_ticket_create_snapshots_the_title_and_opens_the_history(user, movie_api):
    ticket = ticket_create(reporter=user, subject="s", description="d", movie_id=2)

    assert (ticket.movie_id, ticket.movie_title, ticket.status) == (2, "The Godfather", "open")
    change = TicketStatusChange.objects.get()
    assert (change.ticket, change.from_status, change.to_status, change.changed_by) == (
        ticket,
        "",
        "open",
        user,
    )


def test_ticket_create_with_an_already_looked_up_movie_skips_the_remote_call(user, movie_api):
    ticket = ticket_create(
        reporter=user, subject="s", description="d", movie=MovieReference(id=7, title="Heat")
    )

    assert (ticket.movie_id, ticket.movie_title) == (7, "Heat")
    assert movie_api.requests == []


def test_ticket_create_saves_nothing_when_the_movie_api_is_down(user, settings):
    settings.MOVIE_API_GRAPHQL_URL = closed_port_url()

    with pytest.raises(MovieApiUnavailable):
        ticket_create(reporter=user, subject="s", description="d", movie_id=1)

    assert not Ticket.objects.exists()
    assert not TicketStatusChange.objects.exists()


def test_ticket_create_validates_the_model(user):
    with pytest.raises(ValidationError) as caught:
        ticket_create(reporter=user, subject="", description="d")

    assert "subject" in caught.value.message_dict
    assert not Ticket.objects.exists()


def test_only_staff_resolve_and_the_change_is_recorded(user, staff):
    ticket = TicketFactory(reporter=user)

    with pytest.raises(PermissionDenied, match="only close or reopen"):
        ticket_update(ticket=ticket, actor=user, status=Ticket.Status.RESOLVED)
    ticket_update(ticket=ticket, actor=staff, status=Ticket.Status.CLOSED, note="Duplicate")

    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED
    last = ticket.status_changes.last()
    assert (last.from_status, last.to_status, last.changed_by, last.note) == (
        "open",
        "closed",
        staff,
        "Duplicate",
    )


def test_unknown_status_is_a_validation_error(staff):
    ticket = TicketFactory()

    with pytest.raises(ValidationError) as caught:
        ticket_update(ticket=ticket, actor=staff, status="lost")

    assert "status" in caught.value.message_dict
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN


def test_same_status_records_no_history(staff):
    ticket = TicketFactory()

    ticket_update(ticket=ticket, actor=staff, status=Ticket.Status.OPEN, subject="Renamed")

    assert ticket.status_changes.count() == 1
    ticket.refresh_from_db()
    assert ticket.subject == "Renamed"


def test_unchanged_movie_id_is_not_looked_up_again(user, settings):
    # A dead movie API proves no call is made: it would raise.
    settings.MOVIE_API_GRAPHQL_URL = closed_port_url()
    ticket = TicketFactory(reporter=user, movie_id=1, movie_title="The Matrix")

    updated = ticket_update(ticket=ticket, actor=user, movie_id=1, description="More detail")

    assert (updated.movie_title, updated.description) == ("The Matrix", "More detail")
