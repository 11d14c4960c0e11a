"""The ticket REST API: opening tickets about movies, visibility and status changes."""

import base64
from http import HTTPStatus

import pytest
from django.urls import reverse

from conftest import error_json

from ..models import Ticket, TicketStatusChange
from .factories import TicketFactory
from .fake_movie_api import closed_port_url, silent_server

pytestmark = pytest.mark.django_db

LIST_URL = reverse("ticket-list")


def detail_url(ticket: Ticket) -> str:
    return reverse("ticket-detail", args=[ticket.pk])


class TestCreate:
    def test_customer_opens_a_ticket_about_a_movie_and_its_title_is_snapshotted(
        self, auth_client, user, movie_api
    ):
        # given
        payload = {"subject": "Wrong poster", "description": "It shows Neo.", "movie_id": 1}

        # when
        response = auth_client.post(LIST_URL, payload)

        # then
        assert response.status_code == HTTPStatus.CREATED
        body = response.json()
        assert body["subject"] == "Wrong poster"
        assert body["status"] == "open"
        assert body["movie_id"] == 1
        assert body["movie_title"] == "The Matrix"
        assert body["reporter"] == {"id": user.pk, "username": "alice"}
        assert [(h["from_status"], h["to_status"]) for h in body["history"]] == [("", "open")]
        ticket = Ticket.objects.get()
        assert (ticket.reporter, ticket.movie_id, ticket.movie_title) == (user, 1, "The Matrix")
        assert movie_api.requests[0]["body"]["variables"] == {"id": "1"}

    def test_a_ticket_without_a_movie_asks_nothing_of_the_movie_api(self, auth_client, movie_api):
        response = auth_client.post(LIST_URL, {"subject": "Login", "description": "Cannot."})

        assert response.status_code == HTTPStatus.CREATED
        assert response.json()["movie_id"] is None
        assert response.json()["movie_title"] == ""
        assert Ticket.objects.get().subject == "Login"
        assert movie_api.requests == []

    def test_unknown_movie_is_a_400_naming_the_field_and_saves_nothing(
        self, auth_client, movie_api
    ):
        response = auth_client.post(LIST_URL, {"subject": "s", "description": "d", "movie_id": 999})

        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert error_json(response) == {"movie_id": ["The movie API has no movie with id 999."]}
        assert not Ticket.objects.exists()
        assert not TicketStatusChange.objects.exists()

    @pytest.mark.parametrize("movie_id", ["abc", 0, -3, 2**63, 1.5])
    def test_malformed_movie_id_is_a_400_without_a_remote_call(
        self, auth_client, movie_api, movie_id
    ):
        payload = {"subject": "s", "description": "d", "movie_id": movie_id}

        response = auth_client.post(LIST_URL, payload)

        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert list(error_json(response)) == ["movie_id"]
        assert movie_api.requests == []
        assert not Ticket.objects.exists()

    def test_missing_fields_are_named(self, auth_client):
        response = auth_client.post(LIST_URL, {"subject": "x" * 201})

        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert set(error_json(response)) == {"subject", "description"}
        assert not Ticket.objects.exists()

    def test_anonymous_cannot_open_a_ticket(self, api_client):
        response = api_client.post(LIST_URL, {"subject": "s", "description": "d"})

        assert response.status_code == HTTPStatus.FORBIDDEN
        assert "credentials were not provided" in response.json()["detail"]
        assert not Ticket.objects.exists()

    def test_basic_auth_with_our_own_users_works(self, api_client, user):
        token = base64.b64encode(b"alice:correct horse battery staple").decode()
        api_client.credentials(HTTP_AUTHORIZATION=f"Basic {token}")

        response = api_client.post(LIST_URL, {"subject": "s", "description": "d"})

        assert response.status_code == HTTPStatus.CREATED
        assert Ticket.objects.get().reporter == user


class TestMovieApiFailures:
    """Whatever goes wrong upstream, the caller hears why within the timeout; nothing is saved."""

    PAYLOAD = {"subject": "Broken", "description": "Help", "movie_id": 1}

    def assert_nothing_saved(self):
        assert not Ticket.objects.exists()
        assert not TicketStatusChange.objects.exists()

    def test_nothing_listening(self, auth_client, settings):
        settings.MOVIE_API_GRAPHQL_URL = closed_port_url()

        response = auth_client.post(LIST_URL, self.PAYLOAD)

        assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
        assert response.json()["code"] == "movie_api_unavailable"
        assert "unreachable" in response.json()["detail"]
        assert response["Retry-After"] == "5"
        self.assert_nothing_saved()

    def test_server_that_never_answers(self, auth_client, settings):
        settings.MOVIE_API_READ_TIMEOUT = 0.3
        with silent_server() as server:
            settings.MOVIE_API_GRAPHQL_URL = server.url
            response = auth_client.post(LIST_URL, self.PAYLOAD)

        # one wait for the answer, not one per retry
        assert len(server.connections) == 1
        assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
        assert error_json(response) == {
            "detail": "The movie API did not answer within 2s to connect and 0.3s to answer.",
            "code": "movie_api_unavailable",
        }
        self.assert_nothing_saved()

    def test_server_answering_500(self, auth_client, movie_api):
        movie_api.fail_next(3, status=500, body="oops", content_type="text/plain")

        response = auth_client.post(LIST_URL, self.PAYLOAD)

        assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
        assert error_json(response) == {
            "detail": "The movie API failed with HTTP 500.",
            "code": "movie_api_unavailable",
        }
        self.assert_nothing_saved()

    def test_server_answering_graphql_errors(self, auth_client, movie_api):
        movie_api.fail_next(1, body={"data": None, "errors": [{"message": "Database is down"}]})

        response = auth_client.post(LIST_URL, self.PAYLOAD)

        assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
        assert error_json(response) == {
            "detail": "The movie API answered with an error: Database is down",
            "code": "movie_api_error",
        }
        self.assert_nothing_saved()

    def test_changing_the_movie_while_the_api_is_down_leaves_the_ticket_as_it_was(
        self, auth_client, user, movie_api
    ):
        ticket = TicketFactory(
            reporter=user, subject="Old", movie_id=2, movie_title="The Godfather"
        )
        movie_api.fail_next(3, status=502, body={"detail": "bad gateway"})

        response = auth_client.patch(detail_url(ticket), {"movie_id": 1, "subject": "New"})

        assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
        assert response.json()["code"] == "movie_api_unavailable"
        ticket.refresh_from_db()
        assert (ticket.subject, ticket.movie_id, ticket.movie_title) == ("Old", 2, "The Godfather")


class TestVisibility:
    def test_customer_lists_only_their_own_tickets(self, auth_client, user, other_user):
        mine = TicketFactory(reporter=user)
        TicketFactory(reporter=other_user)

        response = auth_client.get(LIST_URL)

        assert response.status_code == HTTPStatus.OK
        assert response.json()["count"] == 1
        assert [t["id"] for t in response.json()["results"]] == [mine.pk]

    def test_another_customers_ticket_is_a_404_to_read_and_to_change(self, auth_client, other_user):
        theirs = TicketFactory(reporter=other_user, subject="Private")

        read = auth_client.get(detail_url(theirs))
        change = auth_client.patch(detail_url(theirs), {"subject": "Hijacked"})
        replace = auth_client.put(detail_url(theirs), {"subject": "Hijacked", "description": "x"})

        assert read.status_code == change.status_code == replace.status_code == HTTPStatus.NOT_FOUND
        assert error_json(read) == {"detail": "No Ticket matches the given query."}
        theirs.refresh_from_db()
        assert theirs.subject == "Private"

    def test_staff_list_and_read_every_ticket(self, staff_client, user, other_user):
        tickets = [TicketFactory(reporter=user), TicketFactory(reporter=other_user)]

        listed = staff_client.get(LIST_URL)
        read = staff_client.get(detail_url(tickets[1]))

        assert {t["id"] for t in listed.json()["results"]} == {t.pk for t in tickets}
        assert read.status_code == HTTPStatus.OK
        assert read.json()["reporter"]["username"] == "bob"

    def test_listing_costs_the_same_queries_for_one_ticket_or_many(
        self, staff_client, django_assert_num_queries
    ):
        TicketFactory.create_batch(15)

        # count, page, reporters (joined), histories (one prefetch with their users)
        with django_assert_num_queries(3):
            response = staff_client.get(LIST_URL)

        assert response.json()["count"] == 15
        assert all(len(t["history"]) == 1 for t in response.json()["results"])


class TestFilters:
    def test_filter_by_status_movie_and_text(self, staff_client):
        matrix = TicketFactory(subject="Subtitles", movie_id=1, movie_title="The Matrix")
        godfather = TicketFactory(
            description="subtitles out of sync", movie_id=2, movie_title="The Godfather"
        )
        closed = TicketFactory(subject="Old", status=Ticket.Status.CLOSED)

        def ids(**params):
            response = staff_client.get(LIST_URL, params)
            assert response.status_code == HTTPStatus.OK
            return {t["id"] for t in response.json()["results"]}

        assert ids(status="closed") == {closed.pk}
        assert ids(status="open") == {matrix.pk, godfather.pk}
        assert ids(movie_id=1) == {matrix.pk}
        assert ids(search="SUBTITLES") == {matrix.pk, godfather.pk}
        assert ids(search="subtitles", movie_id=2) == {godfather.pk}

    def test_bad_filter_values_are_a_400_naming_them(self, staff_client):
        response = staff_client.get(LIST_URL, {"status": "lost", "movie_id": "x"})

        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert set(error_json(response)) == {"status", "movie_id"}


class TestUpdate:
    def test_staff_change_the_status_and_history_records_who_and_when(
        self, staff_client, staff, user
    ):
        ticket = TicketFactory(reporter=user)

        first = staff_client.patch(detail_url(ticket), {"status": "pending", "note": "Asked dev"})
        second = staff_client.patch(detail_url(ticket), {"status": "resolved"})

        assert first.status_code == second.status_code == HTTPStatus.OK
        history = second.json()["history"]
        assert [(h["from_status"], h["to_status"]) for h in history] == [
            ("", "open"),
            ("open", "pending"),
            ("pending", "resolved"),
        ]
        assert history[1]["changed_by"] == {"id": staff.pk, "username": "agent"}
        assert history[1]["note"] == "Asked dev"
        ticket.refresh_from_db()
        assert ticket.status == Ticket.Status.RESOLVED

    def test_customer_cannot_resolve_their_own_ticket(self, auth_client, user):
        ticket = TicketFactory(reporter=user)

        response = auth_client.patch(detail_url(ticket), {"status": "resolved", "subject": "x"})

        assert response.status_code == HTTPStatus.FORBIDDEN
        assert error_json(response) == {
            "detail": "Customers may only close or reopen their own tickets."
        }
        ticket.refresh_from_db()
        assert ticket.status == Ticket.Status.OPEN
        assert ticket.subject != "x"
        assert ticket.status_changes.count() == 1

    def test_customer_closes_and_reopens_their_ticket_and_history_records_both(
        self, auth_client, user
    ):
        # given
        ticket = TicketFactory(reporter=user)

        # when
        closed = auth_client.patch(detail_url(ticket), {"status": "closed"})
        reopened = auth_client.patch(detail_url(ticket), {"status": "open"})

        # then
        assert closed.status_code == reopened.status_code == HTTPStatus.OK
        assert closed.json()["status"] == "closed"
        assert [(h["from_status"], h["to_status"]) for h in reopened.json()["history"]] == [
            ("", "open"),
            ("open", "closed"),
            ("closed", "open"),
        ]
        ticket.refresh_from_db()
        assert ticket.status == Ticket.Status.OPEN

    def test_customer_edits_their_ticket_and_relinks_the_movie(self, auth_client, user, movie_api):
        ticket = TicketFactory(reporter=user, movie_id=1, movie_title="The Matrix")

        response = auth_client.put(
            detail_url(ticket), {"subject": "Better", "description": "More", "movie_id": 2}
        )

        assert response.status_code == HTTPStatus.OK
        assert response.json()["movie_title"] == "The Godfather"
        ticket.refresh_from_db()
        assert (ticket.subject, ticket.movie_id, ticket.movie_title) == (
            "Better",
            2,
            "The Godfather",
        )

    def test_unlinking_the_movie_clears_the_title_without_a_remote_call(
        self, auth_client, user, movie_api
    ):
        ticket = TicketFactory(reporter=user, movie_id=1, movie_title="The Matrix")

        response = auth_client.patch(detail_url(ticket), {"movie_id": None}, format="json")

        assert response.status_code == HTTPStatus.OK
        ticket.refresh_from_db()
        assert (ticket.movie_id, ticket.movie_title) == (None, "")
        assert movie_api.requests == []

    def test_relinking_to_an_unknown_movie_is_a_400_and_changes_nothing(
        self, staff_client, movie_api
    ):
        ticket = TicketFactory(movie_id=1, movie_title="The Matrix")

        response = staff_client.patch(detail_url(ticket), {"movie_id": 404, "status": "closed"})

        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert error_json(response) == {"movie_id": ["The movie API has no movie with id 404."]}
        ticket.refresh_from_db()
        assert (ticket.movie_id, ticket.status) == (1, Ticket.Status.OPEN)

    def test_tickets_cannot_be_deleted(self, staff_client):
        ticket = TicketFactory()

        response = staff_client.delete(detail_url(ticket))

        assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
        assert Ticket.objects.filter(pk=ticket.pk).exists()


class TestMessages:
    def test_the_agent_replies_and_the_ticket_waits_on_the_customer(self, staff_client, user):
        # given
        ticket = TicketFactory(reporter=user)
        url = reverse("ticket-messages", args=[ticket.pk])

        # when
        response = staff_client.post(url, {"body": "Which device?"})

        # then
        assert response.status_code == HTTPStatus.CREATED
        assert response.json()["body"] == "Which device?"
        assert response.json()["internal"] is False
        ticket.refresh_from_db()
        assert ticket.status == Ticket.Status.PENDING
        assert ticket.first_responded_at is not None

    def test_a_customer_cannot_write_an_internal_note(self, auth_client, user):
        ticket = TicketFactory(reporter=user)

        response = auth_client.post(
            reverse("ticket-messages", args=[ticket.pk]), {"body": "psst", "internal": True}
        )

        assert response.status_code == HTTPStatus.FORBIDDEN
        assert error_json(response) == {"detail": "Only support agents may write internal notes."}
        assert not ticket.messages.exists()

    def test_an_empty_message_names_the_field(self, auth_client, user):
        ticket = TicketFactory(reporter=user)

        response = auth_client.post(reverse("ticket-messages", args=[ticket.pk]), {"body": ""})

        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert error_json(response) == {"body": ["This field may not be blank."]}
        assert not ticket.messages.exists()

    def test_another_customers_conversation_is_a_404(self, auth_client, other_user):
        ticket = TicketFactory(reporter=other_user)

        response = auth_client.post(reverse("ticket-messages", args=[ticket.pk]), {"body": "hi"})

        assert response.status_code == HTTPStatus.NOT_FOUND
        assert not ticket.messages.exists()
