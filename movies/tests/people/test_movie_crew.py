"""A movie's crew: shown on the detail (REST) and the Movie type (GraphQL) in the order
written, written by movie create/update on both doors under one rule
(movies/services/crew.py), and as cheap with 100 people as with one."""

from http import HTTPStatus

import pytest

from movies.models import CrewCredit
from movies.services.catalog import SITE_OPERATOR, movie_create, movie_update
from movies.tests.factories import ActorFactory, CrewCreditFactory, MovieFactory

pytestmark = pytest.mark.django_db

MOVIE_CREW = """query One($id: ID!) { movie(id: $id) {
  title crew { person { id name } job department } } }"""
UPDATE_CREW = """mutation Update($id: ID!, $crew: [CrewInput!]) {
  updateMovie(id: $id, input: {crew: $crew}) { movie { crew { person { name } job } } } }"""


@pytest.fixture
def matrix():
    movie = MovieFactory(title="The Matrix")
    lana, lilly = ActorFactory(name="Lana Wachowski"), ActorFactory(name="Lilly Wachowski")
    composer = ActorFactory(name="Don Davis")
    for order, (person, job, department) in enumerate(
        [
            (lana, "Director", "Directing"),
            (lilly, "Director", "Directing"),
            (lana, "Screenplay", "Writing"),
            (composer, "Original Music Composer", "Sound"),
        ]
    ):
        CrewCreditFactory(movie=movie, person=person, job=job, department=department, order=order)
    return movie


def crew_line(person, job, department):
    return {"person": {"id": person.pk, "name": person.name}, "job": job, "department": department}


def test_the_detail_shows_the_crew_in_the_order_written_on_both_doors(api_client, gql, matrix):
    credits = list(matrix.crew_credits.order_by("order").select_related("person"))
    expected = [crew_line(c.person, c.job, c.department) for c in credits]
    # when: the REST detail and GraphQL movie(id)
    body = api_client.get(f"/api/movies/{matrix.pk}/").json()
    data = gql(MOVIE_CREW, {"id": str(matrix.pk)})["data"]["movie"]
    # then: the same crew, in the order it was written (director, director, writer, music)
    assert body["crew"] == expected
    assert [c["job"] for c in expected] == [
        "Director",
        "Director",
        "Screenplay",
        "Original Music Composer",
    ]
    assert data["crew"] == [
        {**line, "person": {**line["person"], "id": str(line["person"]["id"])}} for line in expected
    ]
    # and the list stays as it was: no crew on a card
    card = api_client.get("/api/movies/").json()["results"][0]
    assert "crew" not in card


def test_staff_write_the_crew_on_rest_and_it_replaces_the_old_one(staff_client, matrix):
    # given: a new director
    carpenter = ActorFactory(name="John Carpenter")
    # when: the crew is replaced through REST
    response = staff_client.patch(
        f"/api/movies/{matrix.pk}/",
        {
            "crew": [
                {"person": carpenter.pk, "job": "Director", "department": "Directing"},
                {"person": carpenter.pk, "job": "Original Music Composer", "department": "Sound"},
            ]
        },
        format="json",
    )
    # then: the reply and the rows say so, in that order
    assert response.status_code == HTTPStatus.OK, response.content
    assert response.json()["crew"] == [
        crew_line(carpenter, "Director", "Directing"),
        crew_line(carpenter, "Original Music Composer", "Sound"),
    ]
    assert list(matrix.crew_credits.values_list("person__name", "job", "order")) == [
        ("John Carpenter", "Director", 0),
        ("John Carpenter", "Original Music Composer", 1),
    ]
    # and: an update without `crew` keeps it
    staff_client.patch(f"/api/movies/{matrix.pk}/", {"title": "Matrix"}, format="json")
    assert matrix.crew_credits.count() == 2


def test_staff_write_the_crew_on_graphql(gql, staff_client, matrix):
    person = ActorFactory(name="Bill Pope")
    crew = [{"person": str(person.pk), "job": "Director of Photography", "department": "Camera"}]
    answer = gql(UPDATE_CREW, {"id": str(matrix.pk), "crew": crew}, client=staff_client)
    assert "errors" not in answer, answer
    assert answer["data"]["updateMovie"]["movie"]["crew"] == [
        {"person": {"name": "Bill Pope"}, "job": "Director of Photography"}
    ]
    assert list(matrix.crew_credits.values_list("person__name", "department")) == [
        ("Bill Pope", "Camera")
    ]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            {"person": 999999, "job": "Director", "department": "Directing"},
            "Entry 1: unknown person id 999999.",
        ),
        (
            {"person": "PERSON", "job": "Director", "department": "Direction"},
            "Entry 1: unknown department 'Direction'; one of Directing, Writing, Production, "
            "Camera, Editing, Sound, Art, Costume & Make-Up, Visual Effects, Crew, Lighting.",
        ),
        (
            {"person": "PERSON", "job": "Composer", "department": "Sound"},
            "Entry 1: 'Composer' is not a job of Sound; one of Original Music Composer, Music, "
            "Sound Designer, Music Supervisor.",
        ),
        (
            {"person": "PERSON", "job": "Director", "department": "Directing"},
            "Entry 1: person PERSON is already credited as Director.",
        ),
    ],
)
def test_a_wrong_crew_entry_is_refused_naming_the_field_and_the_index(
    staff_client, gql, matrix, entry, message
):
    # given: a valid first entry, then the wrong one
    person = ActorFactory(name="Someone")
    fill = {k: (person.pk if v == "PERSON" else v) for k, v in entry.items()}
    message = message.replace("PERSON", str(person.pk))
    crew = [{"person": person.pk, "job": "Director", "department": "Directing"}, fill]
    before = list(matrix.crew_credits.values_list("id", flat=True))
    # when: REST, then GraphQL
    rest = staff_client.patch(f"/api/movies/{matrix.pk}/", {"crew": crew}, format="json")
    gql_crew = [{**line, "person": str(line["person"])} for line in crew]
    answer = gql(UPDATE_CREW, {"id": str(matrix.pk), "crew": gql_crew}, client=staff_client)
    # then: both refuse with the same message naming `crew`; nothing changed
    assert rest.status_code == HTTPStatus.BAD_REQUEST
    assert rest.json()["errors"] == [{"field": "crew", "code": rest.json()["errors"][0]["code"],
                                      "message": message}]  # fmt: skip
    (error,) = answer["errors"]
    assert error["message"] == f"crew: {message}"
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "crew"
    assert list(matrix.crew_credits.values_list("id", flat=True)) == before


def test_the_services_take_crew_from_every_caller():
    # given: the importers' and demo loader's path (no door)
    director = ActorFactory(name="Kathryn Bigelow")
    movie = movie_create(
        user=SITE_OPERATOR,
        title="Point Break",
        crew=[{"person_id": director.pk, "job": "Director", "department": "Directing"}],
    )
    assert list(movie.crew_credits.values_list("person_id", "job")) == [(director.pk, "Director")]
    # when: the crew is cleared
    movie_update(user=SITE_OPERATOR, movie=movie, crew=[])
    assert not CrewCredit.objects.filter(movie=movie).exists()


def _with_crew(size: int):
    movie = MovieFactory(title="Big Crew")
    people = ActorFactory.create_batch(size)
    CrewCredit.objects.bulk_create(
        CrewCredit(movie=movie, person=p, job="Producer", department="Production", order=i)
        for i, p in enumerate(people)
    )
    return movie


@pytest.mark.parametrize("size", [1, 100])
def test_the_detail_costs_the_same_queries_with_1_or_100_crew(
    api_client, gql, django_assert_num_queries, size
):
    movie = _with_crew(size)
    # REST: the movie row, then genres, cast and crew in one query
    with django_assert_num_queries(2):
        body = api_client.get(f"/api/movies/{movie.pk}/").json()
    assert len(body["crew"]) == size
    # GraphQL: the movie row, then the crew with its people
    with django_assert_num_queries(2):
        data = gql(MOVIE_CREW, {"id": str(movie.pk)})["data"]["movie"]
    assert len(data["crew"]) == size


def test_crew_writes_and_a_renamed_person_refresh_the_cached_detail(
    settings, api_client, staff_client, matrix
):
    settings.RESPONSE_CACHE_ENABLED = True
    path = f"/api/movies/{matrix.pk}/"
    api_client.get(path)
    assert api_client.get(path)["X-Cache"] == "HIT"
    # when: the person is renamed (a write to the people, not the movie)
    lana = matrix.crew_credits.order_by("order").first().person
    staff_client.patch(f"/api/movies/actors/{lana.pk}/", {"name": "L. Wachowski"}, format="json")
    # then: the stored detail is dead and the new name shows
    response = api_client.get(path)
    assert "X-Cache" not in response
    assert response.json()["crew"][0]["person"]["name"] == "L. Wachowski"
    assert api_client.get(path)["X-Cache"] == "HIT"
    # when: the crew is written
    staff_client.patch(path, {"crew": []}, format="json")
    # then: computed again, empty
    response = api_client.get(path)
    assert "X-Cache" not in response and response.json()["crew"] == []
