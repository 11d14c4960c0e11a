"""The REST person detail: the actor's fields plus `credits` (cast and crew), newest first."""

import datetime
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from movies.api.people import PersonCastCreditSerializer, PersonCrewCreditSerializer
from movies.models import Casting
from movies.tests.factories import ActorFactory, CrewCreditFactory, MovieFactory

pytestmark = pytest.mark.django_db


def detail(api_client, person):
    response = api_client.get(f"/api/movies/actors/{person.pk}/")
    assert response.status_code == HTTPStatus.OK, response.content
    return response.json()


def movie_ref(movie) -> dict:
    return {
        "id": movie.pk,
        "title": movie.title,
        "year": movie.release_date.year if movie.release_date else None,
        "poster": None,
    }


def test_the_detail_lists_cast_and_crew_credits_newest_movie_first(api_client):
    # given: a person who acted in three movies (one of unknown date) and directed two
    person = ActorFactory(name="Clint Eastwood")
    old = MovieFactory(title="A Fistful of Dollars", release_date=datetime.date(1964, 9, 12))
    new = MovieFactory(title="Gran Torino", release_date=datetime.date(2008, 12, 12))
    undated = MovieFactory(title="Untitled Project", release_date=None)
    for movie, character, order in ((old, "Joe", 0), (undated, "", 2), (new, "Walt", 0)):
        Casting.objects.create(movie=movie, actor=person, character=character, order=order)
    unforgiven = MovieFactory(title="Unforgiven", release_date=datetime.date(1992, 8, 7))
    CrewCreditFactory(movie=unforgiven, person=person, job="Producer", department="Production")
    CrewCreditFactory(movie=unforgiven, person=person, job="Director", department="Directing")
    CrewCreditFactory(movie=new, person=person)
    # someone else's credits stay off this page
    CrewCreditFactory(movie=old)

    # when
    body = detail(api_client, person)

    # then: the actor's own fields, then credits by release date, unknown dates last
    assert body["id"] == person.pk and body["name"] == "Clint Eastwood"
    assert body["credits"] == {
        "cast": [
            {"movie": movie_ref(new), "character": "Walt", "order": 0},
            {"movie": movie_ref(old), "character": "Joe", "order": 0},
            {"movie": movie_ref(undated), "character": "", "order": 2},
        ],
        "crew": [
            {"movie": movie_ref(new), "job": "Director", "department": "Directing"},
            # two jobs on one movie: in the order the movie's crew was written
            {"movie": movie_ref(unforgiven), "job": "Producer", "department": "Production"},
            {"movie": movie_ref(unforgiven), "job": "Director", "department": "Directing"},
        ],
    }


def test_a_person_without_credits_has_empty_lists(api_client):
    person = ActorFactory()
    assert detail(api_client, person)["credits"] == {"cast": [], "crew": []}


def test_the_credits_show_the_poster_as_an_absolute_url(api_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    person = ActorFactory()
    movie = MovieFactory(poster=SimpleUploadedFile("p.png", b"not checked here"))
    Casting.objects.create(movie=movie, actor=person)
    poster = detail(api_client, person)["credits"]["cast"][0]["movie"]["poster"]
    assert poster == f"http://testserver{movie.poster.url}"


def test_the_actor_list_has_no_credits(api_client):
    person = ActorFactory()
    CrewCreditFactory(person=person)
    body = api_client.get("/api/movies/actors/").json()
    assert body["results"][0]["id"] == person.pk
    assert "credits" not in body["results"][0]


def test_an_unknown_person_is_404_naming_the_actor(api_client):
    response = api_client.get("/api/movies/actors/999999/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "actor" in response.json()["detail"].lower()


def with_credits(count: int):
    person = ActorFactory()
    for index in range(count):
        movie = MovieFactory()
        Casting.objects.create(movie=movie, actor=person, character=f"Part {index}")
        CrewCreditFactory(movie=movie, person=person)
    return person


def queries_of_detail(api_client, person, settings) -> int:
    settings.RESPONSE_CACHE_ENABLED = False  # the computation itself, not a cache hit
    with CaptureQueriesContext(connection) as queries:
        body = detail(api_client, person)
    assert body["credits"]["cast"] and body["credits"]["crew"]
    return len(queries)


def test_the_detail_costs_three_queries_for_one_credit_or_five_hundred(api_client, settings):
    # the actor, the cast credits with their movies, the crew credits with their movies
    one, many = with_credits(1), with_credits(500)
    assert queries_of_detail(api_client, one, settings) == 3
    assert queries_of_detail(api_client, many, settings) == 3
    assert len(detail(api_client, many)["credits"]["cast"]) == 500


def test_the_fast_credit_bodies_are_the_declared_fields_bodies(api_client, rf):
    # to_representation skips DRF's field loop: it must give what the fields give
    person = with_credits(2)
    request = rf.get("/")
    for serializer_class, credits in (
        (PersonCastCreditSerializer, person.castings.select_related("movie")),
        (PersonCrewCreditSerializer, person.crew_credits.select_related("movie")),
    ):
        for credit in credits:
            serializer = serializer_class(credit, context={"request": request})
            generic = super(serializer_class, serializer).to_representation(credit)
            assert serializer.data == generic
