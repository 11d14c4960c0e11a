"""A person's own fields (death date, birthplace, external ids, department) on both
doors, read and written under one rule (movies/services/actors.py)."""

from http import HTTPStatus

import pytest

from movies.tests.factories import ActorFactory

pytestmark = pytest.mark.django_db

PERSON = """query One($id: ID!) { actor(id: $id) {
  name birthDate deathDate placeOfBirth imdbId tmdbId knownForDepartment } }"""
CREATE = """mutation Create($input: ActorInput!) { createActor(input: $input) {
  actor { name deathDate placeOfBirth imdbId tmdbId knownForDepartment } } }"""

FIELDS = {
    "name": "Ennio Morricone",
    "birth_date": "1928-11-10",
    "death_date": "2020-07-06",
    "place_of_birth": "Rome, Italy",
    "imdb_id": "nm0000065",
    "tmdb_id": 1259,
    "known_for_department": "Sound",
}


def test_staff_create_a_person_with_every_field_and_both_doors_read_them(
    staff_client, api_client, gql
):
    # when: created over REST
    response = staff_client.post("/api/movies/actors/", FIELDS, format="json")
    # then: the reply, the detail and GraphQL show them
    assert response.status_code == HTTPStatus.CREATED, response.content
    body = response.json()
    assert {key: body[key] for key in FIELDS} == FIELDS
    detail = api_client.get(f"/api/movies/actors/{body['id']}/").json()
    assert {key: detail[key] for key in FIELDS} == FIELDS
    data = gql(PERSON, {"id": str(body["id"])})["data"]["actor"]
    assert data == {
        "name": "Ennio Morricone",
        "birthDate": "1928-11-10",
        "deathDate": "2020-07-06",
        "placeOfBirth": "Rome, Italy",
        "imdbId": "nm0000065",
        "tmdbId": 1259,
        "knownForDepartment": "Sound",
    }


def test_graphql_creates_the_same_person(staff_client, gql):
    values = {
        "name": "Ennio Morricone",
        "deathDate": "2020-07-06",
        "placeOfBirth": "Rome, Italy",
        "imdbId": "nm0000065",
        "tmdbId": 1259,
        "knownForDepartment": "Sound",
    }
    answer = gql(CREATE, {"input": values}, client=staff_client)
    assert "errors" not in answer, answer
    assert answer["data"]["createActor"]["actor"] == values


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        (
            {"death_date": "1900-01-01"},
            "death_date",
            "A death date cannot be before the birth date.",
        ),
        ({"death_date": "2999-01-01"}, "death_date", "A death date cannot be in the future."),
        ({"imdb_id": "tt0133093"}, "imdb_id", "IMDb person ids look like nm0000206."),
        ({"imdb_id": "nm0000001"}, "imdb_id", "A person with this IMDb id already exists."),
        ({"tmdb_id": 1}, "tmdb_id", "A person with this TMDB id already exists."),
        (
            {"known_for_department": "Music"},
            "known_for_department",
            "Unknown department 'Music': one of Acting, Directing, Writing, Production, "
            "Camera, Editing, Sound, Art, Costume & Make-Up, Visual Effects, Crew, Lighting.",
        ),
    ],
)
def test_a_wrong_person_field_is_refused_on_both_doors(staff_client, gql, values, field, message):
    # given: a person holding the ids, and one to change
    ActorFactory(imdb_id="nm0000001", tmdb_id=1)
    person = ActorFactory(birth_date="1950-01-01")
    # when
    rest = staff_client.patch(f"/api/movies/actors/{person.pk}/", values, format="json")
    camel = {"".join(w.capitalize() if i else w for i, w in enumerate(k.split("_"))): v
             for k, v in values.items()}  # fmt: skip
    answer = gql(
        """mutation U($id: ID!, $input: ActorUpdateInput!) {
          updateActor(id: $id, input: $input) { ok } }""",
        {"id": str(person.pk), "input": camel},
        client=staff_client,
    )
    # then: the same refusal, naming the field
    assert rest.status_code == HTTPStatus.BAD_REQUEST
    (error,) = rest.json()["errors"]
    assert (error["field"], error["message"]) == (field, message)
    (gql_error,) = answer["errors"]
    assert gql_error["extensions"]["code"] == "BAD_USER_INPUT"
    assert gql_error["message"].endswith(message)
