"""GraphQL `actor(id) { castCredits crewCredits }`: connections over the REST detail's
selectors, newest movie first, a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import bearer_client
from movies.models import Casting
from movies.tests.factories import ActorFactory, CrewCreditFactory, GenreFactory, MovieFactory

pytestmark = pytest.mark.django_db

CREDITS = """
query ($id: ID!, $first: Int, $after: String) {
  actor(id: $id) {
    name
    castCredits(first: $first, after: $after) {
      totalCount
      edges { cursor node { movie { id title year posterUrl } character order } }
      pageInfo { hasNextPage endCursor }
    }
    crewCredits(first: $first) {
      edges { node { movie { id title year } job department } }
      pageInfo { hasNextPage }
    }
  }
}
"""


def test_the_credits_are_connections_newest_movie_first(gql):
    # given
    person = ActorFactory(name="Greta Gerwig")
    frances = MovieFactory(title="Frances Ha", release_date=datetime.date(2012, 9, 1))
    barbie = MovieFactory(title="Barbie", release_date=datetime.date(2023, 7, 21))
    Casting.objects.create(movie=frances, actor=person, character="Frances", order=0)
    CrewCreditFactory(movie=barbie, person=person, job="Director", department="Directing")
    CrewCreditFactory(movie=frances, person=person, job="Screenplay", department="Writing")

    # when
    data = gql(CREDITS, {"id": str(person.pk)})["data"]["actor"]

    # then
    assert data["castCredits"]["totalCount"] == 1
    assert [edge["node"] for edge in data["castCredits"]["edges"]] == [
        {
            "movie": {
                "id": str(frances.pk),
                "title": "Frances Ha",
                "year": 2012,
                "posterUrl": None,
            },
            "character": "Frances",
            "order": 0,
        }
    ]
    assert [edge["node"] for edge in data["crewCredits"]["edges"]] == [
        {
            "movie": {"id": str(barbie.pk), "title": "Barbie", "year": 2023},
            "job": "Director",
            "department": "Directing",
        },
        {
            "movie": {"id": str(frances.pk), "title": "Frances Ha", "year": 2012},
            "job": "Screenplay",
            "department": "Writing",
        },
    ]


def with_credits(count: int):
    person = ActorFactory()
    for index in range(count):
        movie = MovieFactory(title=f"Film {index:03}", release_date=datetime.date(2000, 1, 1))
        Casting.objects.create(movie=movie, actor=person, character=f"Part {index}")
        CrewCreditFactory(movie=movie, person=person)
    return person


def test_pages_follow_the_cursor_in_the_same_order(gql):
    person = with_credits(5)
    first = gql(CREDITS, {"id": str(person.pk), "first": 2})["data"]["actor"]["castCredits"]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = gql(
        CREDITS, {"id": str(person.pk), "first": 10, "after": first["pageInfo"]["endCursor"]}
    )["data"]["actor"]["castCredits"]
    titles = [e["node"]["movie"]["title"] for e in first["edges"] + rest["edges"]]
    # same release date: the movie added last first
    assert titles == ["Film 004", "Film 003", "Film 002", "Film 001", "Film 000"]
    assert rest["pageInfo"]["hasNextPage"] is False


def queries_of(gql, document, person, client=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        body = gql(document, {"id": str(person.pk), "first": 100}, client=client)
    assert "errors" not in body, body
    assert body["data"]["actor"]["castCredits"]["edges"]
    return len(queries)


def test_one_credit_or_five_hundred_cost_the_same_queries(gql, settings):
    settings.RESPONSE_CACHE_ENABLED = False  # the computation itself
    one, many = with_credits(1), with_credits(500)
    # actor, cast page, crew page, the cast COUNT (totalCount)
    assert queries_of(gql, CREDITS, one) == 4
    assert queries_of(gql, CREDITS, many) == 4


NESTED = """
query ($id: ID!, $first: Int) {
  actor(id: $id) {
    castCredits(first: $first) {
      edges { node { movie {
        title plot genres { name } cast { actor { name } } myState { watched }
      } } }
    }
  }
}
"""


def test_a_credit_movie_with_relations_and_my_state_costs_the_same_for_any_count(
    gql, settings, user
):
    # given: a signed-in caller asking for genres, cast and their own state of each movie
    settings.RESPONSE_CACHE_ENABLED = False
    client = bearer_client(user)
    counts = []
    for size in (1, 30):
        person = with_credits(size)
        for credit in person.castings.all():
            credit.movie.genres.add(GenreFactory())
        counts.append(queries_of(gql, NESTED, person, client=client))
    # then: user, actor, credits, refs (genres + cast in one), my_state (3: list
    # entries, ratings, diary watches)
    assert counts == [7, 7]


def test_the_credits_answer_on_actor_id_only(gql):
    movie = MovieFactory()
    CrewCreditFactory(movie=movie, person=ActorFactory())
    body = gql("{ allActors { edges { node { name crewCredits { totalCount } } } } }")
    assert body["errors"][0]["message"] == "crewCredits: only on actor(id), one person at a time."
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
