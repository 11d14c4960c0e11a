"""The help desk's pages: customers' tickets and conversation, the agents' queue."""

from datetime import timedelta
from html.parser import HTMLParser
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ..models import Ticket, TicketMessage
from ..services import ticket_assign, ticket_reply
from .factories import StaffFactory, TicketFactory
from .fake_movie_api import closed_port_url

pytestmark = pytest.mark.django_db


def page(ticket: Ticket) -> str:
    return reverse("ticket-page", args=[ticket.pk])


@pytest.fixture
def customer(client, user) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def agent(staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client


class TestCustomer:
    def test_pages_ask_for_a_sign_in_first(self, client):
        response = client.get(reverse("my-tickets"))

        assert response.status_code == HTTPStatus.FOUND
        assert response.url == f"{reverse('sign-in')}?next={reverse('my-tickets')}"

    def test_movie_search_as_you_type_answers_choices_from_the_movie_api(self, customer, movie_api):
        response = customer.get(reverse("ticket-movie-search"), {"movie_q": "matr"})

        assert response.status_code == HTTPStatus.OK
        html = response.content.decode()
        assert 'value="1"' in html and "The Matrix (1999)" in html
        assert "The Godfather" not in html
        assert movie_api.requests[0]["body"]["variables"]["title"] == "matr"

    def test_opens_a_ticket_about_the_movie_picked(self, customer, user, movie_api):
        # when
        response = customer.post(
            reverse("ticket-open"),
            {"subject": "Wrong poster", "description": "It shows Neo.", "movie_id": "1"},
        )

        # then
        ticket = Ticket.objects.get()
        assert response.url == page(ticket)
        assert (ticket.reporter, ticket.movie_id, ticket.movie_title) == (user, 1, "The Matrix")
        assert ticket.first_response_due - ticket.created_at == timedelta(hours=24)
        shown = customer.get(page(ticket)).content.decode()
        assert "Wrong poster" in shown and "The Matrix" in shown and "It shows Neo." in shown

    def test_an_unknown_movie_is_an_error_on_the_form_and_nothing_is_saved(
        self, customer, movie_api
    ):
        response = customer.post(
            reverse("ticket-open"), {"subject": "s", "description": "d", "movie_id": "999"}
        )

        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert response.context["form"].errors == {
            "movie_id": ["The movie API has no movie with id 999."]
        }
        assert not Ticket.objects.exists()

    def test_the_movie_api_down_while_opening_is_a_503_page_and_nothing_is_saved(
        self, customer, settings
    ):
        settings.MOVIE_API_GRAPHQL_URL = closed_port_url()

        response = customer.post(
            reverse("ticket-open"), {"subject": "s", "description": "d", "movie_id": "1"}
        )

        assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
        assert "The movie API is not answering" in response.content.decode()
        assert not Ticket.objects.exists()

    def test_another_customers_ticket_is_a_404_to_read_reply_or_close(self, customer, other_user):
        theirs = TicketFactory(reporter=other_user, subject="Private")
        pk = theirs.pk

        read = customer.get(page(theirs))
        reply = customer.post(reverse("ticket-reply", args=[pk]), {"body": "hi"})
        close = customer.post(reverse("ticket-change", args=[pk]), {"status": "closed"})

        assert read.status_code == reply.status_code == close.status_code == HTTPStatus.NOT_FOUND
        assert not TicketMessage.objects.exists()
        theirs.refresh_from_db()
        assert theirs.status == Ticket.Status.OPEN

    def test_my_tickets_lists_only_mine(self, customer, user, other_user):
        TicketFactory(reporter=user, subject="Mine")
        TicketFactory(reporter=other_user, subject="Theirs")

        html = customer.get(reverse("my-tickets")).content.decode()

        assert "Mine" in html and "Theirs" not in html

    def test_reply_close_and_reopen_show_in_the_timeline(self, customer, user):
        # given
        ticket = TicketFactory(reporter=user)

        # when
        customer.post(reverse("ticket-reply", args=[ticket.pk]), {"body": "Any news?"})
        customer.post(reverse("ticket-change", args=[ticket.pk]), {"status": "closed"})
        closed_page = customer.get(page(ticket)).content.decode()
        customer.post(reverse("ticket-change", args=[ticket.pk]), {"status": "open"})

        # then
        ticket.refresh_from_db()
        assert ticket.status == Ticket.Status.OPEN
        assert list(ticket.messages.values_list("body", flat=True)) == ["Any news?"]
        assert [(c.from_status, c.to_status) for c in ticket.status_changes.all()] == [
            ("", "open"),
            ("open", "closed"),
            ("closed", "open"),
        ]
        assert "Reopen the ticket" in closed_page and "Send reply" not in closed_page
        html = customer.get(page(ticket)).content.decode()
        assert "Any news?" in html and "open → <strong>closed</strong>" in html

    def test_a_customer_cannot_resolve_nor_write_internal_notes(self, customer, user):
        ticket = TicketFactory(reporter=user)

        resolve = customer.post(reverse("ticket-change", args=[ticket.pk]), {"status": "resolved"})
        note = customer.post(reverse("ticket-note", args=[ticket.pk]), {"note-body": "psst"})

        assert resolve.status_code == note.status_code == HTTPStatus.FORBIDDEN
        ticket.refresh_from_db()
        assert ticket.status == Ticket.Status.OPEN
        assert not TicketMessage.objects.exists()

    def test_an_empty_reply_is_an_error_on_its_field(self, customer, user):
        ticket = TicketFactory(reporter=user)

        response = customer.post(reverse("ticket-reply", args=[ticket.pk]), {"body": "  "})

        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert response.context["reply_form"].errors == {"body": ["This field is required."]}
        assert not TicketMessage.objects.exists()

    def test_the_customer_never_sees_internal_notes_on_the_page_nor_in_the_api(
        self, customer, user, staff
    ):
        # given
        ticket = TicketFactory(reporter=user)
        ticket_reply(ticket=ticket, author=staff, body="Customer is right, bug 42", internal=True)
        ticket_reply(ticket=ticket, author=staff, body="We are on it.")

        # when
        html = customer.get(page(ticket)).content.decode()
        api = customer.get(reverse("ticket-messages", args=[ticket.pk])).json()
        search = customer.get(reverse("ticket-list"), {"q": "bug"}).json()

        # then
        assert "We are on it." in html and "bug 42" not in html
        assert [m["body"] for m in api] == ["We are on it."]
        assert search["count"] == 0


class TestAgent:
    def test_the_queue_is_for_agents_only(self, customer):
        assert customer.get(reverse("queue")).status_code == HTTPStatus.FORBIDDEN

    def test_queue_filters_search_and_sorts_by_first_response_due(self, agent, staff):
        # given
        now = timezone.now()
        TicketFactory(subject="Later", first_response_due=now + timedelta(hours=20))
        TicketFactory(
            subject="Soon", priority="urgent", first_response_due=now + timedelta(hours=1)
        )
        TicketFactory(subject="Mine", assignee=staff, first_response_due=now + timedelta(hours=5))
        closed = TicketFactory(subject="Done", status="closed", first_response_due=now)
        ticket_reply(ticket=closed, author=staff, body="fixed the subtitles")

        def subjects(**params) -> list[str]:
            response = agent.get(reverse("queue"), params)
            assert response.status_code == HTTPStatus.OK
            return [t.subject for t in response.context["tickets"]]

        # then
        assert subjects() == ["Soon", "Mine", "Later", "Done"]
        assert subjects(status="closed") == ["Done"]
        assert subjects(priority="urgent") == ["Soon"]
        assert subjects(assignee="me") == ["Mine"]
        assert subjects(assignee=str(staff.pk)) == ["Mine"]
        assert subjects(q="subtitles") == ["Done"]
        assert subjects(age="day") == ["Soon", "Mine", "Later", "Done"]
        assert subjects(age="older") == []

    def test_an_unknown_filter_value_is_named_not_a_500(self, agent):
        response = agent.get(reverse("queue"), {"status": "lost", "age": "ancient"})

        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert set(response.context["form"].errors) == {"status", "age"}

    def test_assign_reply_note_and_resolve(self, agent, staff, user):
        # given
        ticket = TicketFactory(reporter=user)
        url = lambda name: reverse(name, args=[ticket.pk])  # noqa: E731

        # when
        agent.post(url("ticket-assign"))
        agent.post(url("ticket-reply"), {"body": "Which device?"})
        agent.post(url("ticket-note"), {"note-body": "Looks like bug 42"})
        agent.post(url("ticket-change"), {"status": "resolved", "priority": "high"})

        # then
        ticket.refresh_from_db()
        assert ticket.assignee == staff
        assert ticket.status == Ticket.Status.RESOLVED
        assert ticket.priority == Ticket.Priority.HIGH
        assert ticket.first_response_due == ticket.created_at + timedelta(hours=4)
        assert ticket.first_responded_at is not None
        assert [(m.body, m.internal) for m in ticket.messages.all()] == [
            ("Which device?", False),
            ("Looks like bug 42", True),
        ]
        assert [(c.from_status, c.to_status) for c in ticket.status_changes.all()] == [
            ("", "open"),
            ("open", "pending"),
            ("pending", "resolved"),
        ]
        html = agent.get(page(ticket)).content.decode()
        assert "Looks like bug 42" in html and "Internal note" in html

    def test_the_customers_reply_reopens_a_pending_ticket(self, staff, user):
        ticket = TicketFactory(reporter=user)
        ticket_reply(ticket=ticket, author=staff, body="Which device?")

        ticket_reply(ticket=ticket, author=user, body="A phone.")

        ticket.refresh_from_db()
        assert ticket.status == Ticket.Status.OPEN

    def test_only_agents_are_assignees(self, user):
        ticket = TicketFactory(reporter=user)
        with pytest.raises(ValidationError, match="not a support agent"):
            ticket_assign(ticket=ticket, actor=StaffFactory(), assignee=user)

    def test_the_movie_beside_the_ticket_comes_from_the_movie_api(self, agent, movie_api):
        ticket = TicketFactory(movie_id=1, movie_title="The Matrix")

        html = agent.get(page(ticket)).content.decode()

        assert "The movie now" in html
        assert "A hacker learns the truth." in html and "Keanu Reeves" in html
        assert "4.50 from 2 reviews" in html

    def test_the_ticket_page_still_works_with_the_movie_api_down(self, agent, settings):
        settings.MOVIE_API_GRAPHQL_URL = closed_port_url()
        ticket = TicketFactory(movie_id=1, movie_title="The Matrix", subject="Still here")

        response = agent.get(page(ticket))

        assert response.status_code == HTTPStatus.OK
        html = response.content.decode()
        assert "Still here" in html and "Movie details unavailable" in html


class _FormAudit(HTMLParser):
    """Collects POST forms (with or without a CSRF token) and controls without a label."""

    def __init__(self) -> None:
        super().__init__()
        self.post_forms: list[dict] = []
        self.labels: set[str] = set()
        self.controls: list[dict] = []

    def handle_starttag(self, tag, attrs) -> None:
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self.post_forms.append({"action": a.get("action"), "csrf": False})
        if tag == "input" and a.get("name") == "csrfmiddlewaretoken" and self.post_forms:
            self.post_forms[-1]["csrf"] = True
        if tag == "label" and a.get("for"):
            self.labels.add(a["for"])
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.controls.append(a)

    def unlabelled(self) -> list[str]:
        return [
            c.get("name", "?")
            for c in self.controls
            if c.get("id") not in self.labels and not c.get("aria-label")
        ]


def test_every_form_has_a_csrf_token_and_every_control_a_label(agent, staff, movie_api):
    # given: every page an agent and a customer see
    ticket = TicketFactory(reporter=staff, movie_id=1, movie_title="The Matrix")
    urls = [
        reverse("queue"),
        reverse("my-tickets"),
        reverse("ticket-open"),
        page(ticket),
        reverse("ticket-movie-search") + "?movie_q=the",
        reverse("sign-out"),
    ]

    for url in urls:
        # when
        audit = _FormAudit()
        audit.feed(agent.get(url).content.decode())

        # then
        assert all(form["csrf"] for form in audit.post_forms), (url, audit.post_forms)
        assert audit.unlabelled() == [], url
    audit = _FormAudit()
    audit.feed(Client().get(reverse("sign-in")).content.decode())
    assert audit.post_forms == [] and audit.unlabelled() == []  # one link, no form


@pytest.mark.parametrize(
    "name", ["ticket-reply", "ticket-note", "ticket-change", "ticket-assign", "ticket-open"]
)
def test_every_write_refuses_a_post_without_the_csrf_token(name, staff):
    # given
    ticket = TicketFactory(reporter=staff)
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    url = reverse(name) if name == "ticket-open" else reverse(name, args=[ticket.pk])

    # when
    response = client.post(url, {"body": "x", "note-body": "x", "status": "closed"})

    # then
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "CSRF" in response.content.decode()
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee, ticket.messages.count()) == ("open", None, 0)
    assert Ticket.objects.count() == 1
