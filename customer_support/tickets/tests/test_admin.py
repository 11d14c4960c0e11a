"""Staff agents' admin: movie ids checked over GraphQL, writes through services."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from ..models import Ticket
from .factories import TicketFactory
from .fake_movie_api import closed_port_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, staff):
    """A browser session of a superuser agent in the admin."""
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    return client


def add_form(reporter, **fields) -> dict:
    return {"subject": "From the phone", "description": "Caller says…", "status": "open"} | {
        "reporter": reporter.pk,
        **fields,
    }


def test_adding_a_ticket_fills_the_movie_title_and_history(admin_client, user, movie_api):
    response = admin_client.post(
        reverse("admin:tickets_ticket_add"), add_form(user, movie_id=1, status="pending")
    )

    assert response.status_code == HTTPStatus.FOUND
    ticket = Ticket.objects.get()
    assert (ticket.reporter, ticket.movie_id, ticket.movie_title) == (user, 1, "The Matrix")
    assert [(c.from_status, c.to_status) for c in ticket.status_changes.all()] == [
        ("", "open"),
        ("open", "pending"),
    ]
    assert len(movie_api.requests) == 1  # looked up once, by the form


def test_an_unknown_movie_id_is_a_form_error_and_saves_nothing(admin_client, user, movie_api):
    response = admin_client.post(reverse("admin:tickets_ticket_add"), add_form(user, movie_id=999))

    assert response.status_code == HTTPStatus.OK
    assert response.context["adminform"].form.errors == {
        "movie_id": ["The movie API has no movie with id 999."]
    }
    assert not Ticket.objects.exists()


def test_the_movie_api_down_is_a_form_error_and_saves_nothing(admin_client, user, settings):
    settings.MOVIE_API_GRAPHQL_URL = closed_port_url()

    response = admin_client.post(reverse("admin:tickets_ticket_add"), add_form(user, movie_id=1))

    assert response.status_code == HTTPStatus.OK
    [error] = response.context["adminform"].form.errors["movie_id"]
    assert error == "Cannot check this movie now: The movie API is unreachable."
    assert not Ticket.objects.exists()


def test_changing_status_in_the_admin_records_history(admin_client, staff, movie_api):
    ticket = TicketFactory(movie_id=2, movie_title="The Godfather")

    response = admin_client.post(
        reverse("admin:tickets_ticket_change", args=[ticket.pk]),
        add_form(ticket.reporter, subject=ticket.subject, movie_id=2, status="resolved"),
    )

    assert response.status_code == HTTPStatus.FOUND
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED
    last = ticket.status_changes.last()
    assert (last.from_status, last.to_status, last.changed_by) == ("open", "resolved", staff)
    assert movie_api.requests == []  # same movie: no lookup


def test_movie_search_page_lists_matches(admin_client, movie_api):
    response = admin_client.get(reverse("admin:tickets_ticket_movie_search"), {"genre": "drama"})

    assert response.status_code == HTTPStatus.OK
    assert [m.title for m in response.context["movies"].items] == ["The Godfather"]
    assert "The Godfather" in response.content.decode()


def test_movie_search_page_reports_the_movie_api_being_down(admin_client, settings):
    settings.MOVIE_API_GRAPHQL_URL = closed_port_url()

    response = admin_client.get(reverse("admin:tickets_ticket_movie_search"), {"q": "matrix"})

    assert response.status_code == HTTPStatus.OK
    assert "is unreachable" in response.content.decode()


def test_changelist_and_change_page_render(admin_client):
    ticket = TicketFactory(subject="Audio out of sync")

    listing = admin_client.get(reverse("admin:tickets_ticket_changelist"), {"q": "audio"})
    page = admin_client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk]))

    assert "Audio out of sync" in listing.content.decode()
    assert "— → open" in page.content.decode()
