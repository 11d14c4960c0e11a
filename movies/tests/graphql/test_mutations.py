"""Catalog and review mutations over GraphQL: the same allow/deny and rules as REST.

Route permissions, other users' objects, mass assignment, review ownership and tokens,
replayed through GraphQL; REST is asked the same thing in the same test, so the two
front doors cannot drift apart.
"""

import datetime
from http import HTTPStatus

import jwt
import pytest
import time_machine
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from conftest import bearer_client
from movies.models import Actor, Genre, Movie, Review
from movies.tests.factories import ActorFactory, GenreFactory, MovieFactory, ReviewFactory
from users.tests.factories import UserFactory

CREATE = {
    "genre": (
        'mutation { r: createGenre(input: {name: "Noir"}) { genre { id } } }',
        "/api/movies/genres/",
        {"name": "Noir (REST)"},
    ),
    "actor": (
        'mutation { r: createActor(input: {name: "Ann"}) { actor { id } } }',
        "/api/movies/actors/",
        {"name": "Ann"},
    ),
    "movie": (
        'mutation { r: createMovie(input: {title: "Heat"}) { movie { id } } }',
        "/api/movies/",
        {"title": "Heat"},
    ),
}
UPDATE = {
    "genre": (
        'mutation($id: ID!) { r: updateGenre(id: $id, input: {name: "Renamed"}) { ok } }',
        "/api/movies/genres/{id}/",
        {"name": "Renamed (REST)"},
    ),
    "actor": (
        'mutation($id: ID!) { r: updateActor(id: $id, input: {name: "Renamed"}) { ok } }',
        "/api/movies/actors/{id}/",
        {"name": "Renamed"},
    ),
    "movie": (
        'mutation($id: ID!) { r: updateMovie(id: $id, input: {title: "Renamed"}) { ok } }',
        "/api/movies/{id}/",
        {"title": "Renamed"},
    ),
}
DELETE = {
    "genre": ("mutation($id: ID!) { r: deleteGenre(id: $id) { ok } }", "/api/movies/genres/{id}/"),
    "actor": ("mutation($id: ID!) { r: deleteActor(id: $id) { ok } }", "/api/movies/actors/{id}/"),
    "movie": ("mutation($id: ID!) { r: deleteMovie(id: $id) { ok } }", "/api/movies/{id}/"),
}
FACTORIES = {"genre": GenreFactory, "actor": ActorFactory, "movie": MovieFactory}
MODELS = {"genre": Genre, "actor": Actor, "movie": Movie}


def outcome_graphql(body) -> str:
    if "errors" not in body:
        return "allowed"
    return body["errors"][0]["extensions"]["code"]


def outcome_rest(response) -> str:
    return {
        HTTPStatus.UNAUTHORIZED: "UNAUTHENTICATED",
        HTTPStatus.FORBIDDEN: "FORBIDDEN",
    }.get(response.status_code, "allowed" if response.status_code < 300 else "other")


def caller(kind):
    if kind == "anonymous":
        return APIClient()
    return bearer_client(UserFactory(is_staff=(kind == "staff")))


EXPECTED = {"anonymous": "UNAUTHENTICATED", "user": "FORBIDDEN", "staff": "allowed"}


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "user", "staff"])
@pytest.mark.parametrize("resource", ["genre", "actor", "movie"])
def test_catalog_create_allow_deny_matches_rest(gql, resource, who):
    # given the same caller on both APIs
    document, url, rest_body = CREATE[resource]
    client = caller(who)
    before = MODELS[resource].objects.count()

    # when each API is asked to create
    via_graphql = outcome_graphql(gql(document, client=client))
    via_rest = outcome_rest(client.post(url, rest_body, format="json"))

    # then the same answer as the REST route matrix, and rows only for staff
    assert via_graphql == via_rest == EXPECTED[who]
    assert MODELS[resource].objects.count() == before + (2 if who == "staff" else 0)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "user", "staff"])
@pytest.mark.parametrize("resource", ["genre", "actor", "movie"])
def test_catalog_update_and_delete_allow_deny_matches_rest(gql, resource, who):
    # given two rows and a caller
    client = caller(who)
    graphql_row, rest_row = FACTORIES[resource](), FACTORIES[resource]()
    update_doc, update_url, rest_body = UPDATE[resource]
    delete_doc, delete_url = DELETE[resource]

    # when both APIs are asked to update, then to delete
    updated = (
        outcome_graphql(gql(update_doc, {"id": str(graphql_row.id)}, client=client)),
        outcome_rest(client.patch(update_url.format(id=rest_row.id), rest_body, format="json")),
    )
    deleted = (
        outcome_graphql(gql(delete_doc, {"id": str(graphql_row.id)}, client=client)),
        outcome_rest(client.delete(delete_url.format(id=rest_row.id))),
    )

    # then the same answers, and the rows are gone only for staff
    assert updated == (EXPECTED[who], EXPECTED[who])
    assert deleted == (EXPECTED[who], EXPECTED[who])
    remaining = MODELS[resource].objects.filter(pk__in=[graphql_row.pk, rest_row.pk]).count()
    assert remaining == (0 if who == "staff" else 2)


@pytest.fixture
def authored_review(db):
    return ReviewFactory(rating=4, text="Mine.")


UPDATE_REVIEW = """
mutation($id: ID!) { updateReview(id: $id, input: {rating: 1, text: "Hijacked"}) {
  review { rating text isEdited } } }
"""
DELETE_REVIEW = "mutation($id: ID!) { deleteReview(id: $id) { ok } }"


def test_another_users_review_cannot_be_changed_through_either_api(authored_review, gql):
    # given another signed-in user
    intruder = bearer_client(UserFactory())
    review_id = authored_review.id

    # when they try to change and delete the review through both APIs
    graphql_update = gql(UPDATE_REVIEW, {"id": str(review_id)}, client=intruder)
    graphql_delete = gql(DELETE_REVIEW, {"id": str(review_id)}, client=intruder)
    rest_update = intruder.patch(f"/api/movies/reviews/{review_id}/", {"rating": 1}, format="json")
    rest_delete = intruder.delete(f"/api/movies/reviews/{review_id}/")

    # then both refuse, and the review is untouched
    assert outcome_graphql(graphql_update) == "FORBIDDEN"
    assert outcome_graphql(graphql_delete) == "FORBIDDEN"
    assert rest_update.status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND)
    assert rest_delete.status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND)
    authored_review.refresh_from_db()
    assert (authored_review.rating, authored_review.text) == (4, "Mine.")


def test_the_author_updates_and_staff_deletes_a_review(authored_review, gql):
    # when the author edits, then a staff member deletes
    author = bearer_client(authored_review.user)
    staff = bearer_client(UserFactory(is_staff=True))
    updated = gql(UPDATE_REVIEW, {"id": str(authored_review.id)}, client=author)
    deleted = gql(DELETE_REVIEW, {"id": str(authored_review.id)}, client=staff)

    # then both are allowed, the edit is flagged, and the movie's rating follows
    assert updated["data"]["updateReview"]["review"] == {
        "rating": 1,
        "text": "Hijacked",
        "isEdited": True,
    }
    assert deleted == {"data": {"deleteReview": {"ok": True}}}
    assert not Review.objects.filter(pk=authored_review.pk).exists()


CREATE_REVIEW = """
mutation($movie: ID!, $rating: Float!) {
  createReview(input: {movieId: $movie, rating: $rating, text: "Fine."}) {
    review { id rating user { id username } movie { id averageRating reviewCount } }
  }
}
"""


def test_review_owner_is_the_caller_and_rating_math_runs(db, gql, user):
    # given a movie and a signed-in user
    movie = MovieFactory()

    # when they review it
    body = gql(CREATE_REVIEW, {"movie": str(movie.id), "rating": 4}, client=bearer_client(user))

    # then the review is theirs and the movie's derived columns follow (same service as REST)
    review = body["data"]["createReview"]["review"]
    assert review["user"] == {"id": str(user.id), "username": user.username}
    assert review["movie"]["reviewCount"] == 1
    assert review["movie"]["averageRating"] == 4.0
    assert Review.objects.get(pk=review["id"]).user == user


def test_a_spoofed_owner_is_not_even_an_input(db, gql, user, other_user):
    # given a create that names another user as the author
    movie = MovieFactory()
    document = (
        f'mutation {{ createReview(input: {{movieId: "{movie.id}", rating: 5, '
        f'user: "{other_user.id}"}}) {{ review {{ id }} }} }}'
    )

    # when it is posted
    body = gql(document, client=bearer_client(user))

    # then the document is refused and nothing is written
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert not Review.objects.exists()


def test_anonymous_cannot_review(db, gql):
    # when an anonymous caller reviews
    movie = MovieFactory()
    body = gql(CREATE_REVIEW, {"movie": str(movie.id), "rating": 4})

    # then UNAUTHENTICATED (REST: 401), nothing written
    assert outcome_graphql(body) == "UNAUTHENTICATED"
    assert not Review.objects.exists()


def test_second_review_of_a_movie_is_a_conflict(db, gql, user):
    # given an existing review by the user
    movie = MovieFactory()
    ReviewFactory(user=user, movie=movie)

    # when they review the same movie again
    body = gql(CREATE_REVIEW, {"movie": str(movie.id), "rating": 2}, client=bearer_client(user))

    # then a CONFLICT (REST: 409), not a 500, and still one review
    error = body["errors"][0]
    assert error["extensions"]["code"] == "CONFLICT"
    assert error["extensions"]["reason"] == "duplicate_review"
    assert "already reviewed" in error["message"]
    assert Review.objects.filter(user=user, movie=movie).count() == 1


def test_review_rating_out_of_range_names_rating(db, gql, user):
    movie = MovieFactory()
    body = gql(CREATE_REVIEW, {"movie": str(movie.id), "rating": 7}, client=bearer_client(user))
    assert body["errors"][0]["extensions"]["field"] == "rating"
    assert not Review.objects.exists()


def test_no_response_exposes_passwords_or_other_users_contacts():
    # given the whole schema
    from graphql import GraphQLObjectType

    from movie_api.schema import schema

    # then no output type has a password or OTP field (the mutations that take them as
    # arguments aside), and review authors show only id and name
    for name, graphql_type in schema.graphql_schema.type_map.items():
        if name in ("Mutation", "Query"):
            continue
        if isinstance(graphql_type, GraphQLObjectType) and not name.startswith("__"):
            fields = {field.lower() for field in graphql_type.fields}
            assert not {f for f in fields if "password" in f or "otp" in f or "code" in f}, name
    assert set(schema.graphql_schema.type_map["ReviewAuthor"].fields) == {"id", "username"}


ME = "{ me { id username } }"


def expired_token(user):
    with time_machine.travel(datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)):
        return str(RefreshToken.for_user(user).access_token)


def forged_tokens(user):
    access = RefreshToken.for_user(user).access_token
    payload = dict(access.payload)
    return {
        "other-key": jwt.encode(payload, "another-key-that-is-long-enough-32b!", algorithm="HS256"),
        "alg-none": jwt.encode(payload, None, algorithm="none"),
        "garbage": "not.a.token",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "case", ["expired", "refresh-as-bearer", "other-key", "alg-none", "garbage"]
)
def test_bad_tokens_are_refused_on_both_doors_even_on_public_reads(gql, user, case):
    # given a token that must not authenticate
    token = {
        "expired": lambda: expired_token(user),
        "refresh-as-bearer": lambda: str(RefreshToken.for_user(user)),
    }.get(case, lambda: forged_tokens(user)[case])()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    # when it is used on GraphQL and on REST
    response = client.post("/graphql/", {"query": ME}, format="json")
    body = response.json()
    rest = client.get("/api/users/me/")

    # then GraphQL says UNAUTHENTICATED and REST 401, with the same message, and a
    # public read is refused too (docs/guide/errors.md: the token policy)
    expected = (
        "The access token has expired; refresh it or sign in again."
        if case == "expired"
        else "The access token is not valid; sign in again."
    )
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert body["errors"][0]["message"] == expected
    assert rest.status_code == HTTPStatus.UNAUTHORIZED
    assert rest.json()["detail"] == expected
    public = gql("{ allGenres { totalCount } }", client=client)
    assert public.get("data") is None
    assert public["errors"][0]["message"] == expected
    assert client.get("/api/movies/genres/").json()["detail"] == expected


def test_password_change_revokes_the_access_token(db, gql, user):
    # given a valid access token, then a password change
    client = bearer_client(user)
    assert gql(ME, client=client)["data"]["me"]["id"] == str(user.id)
    user.set_password("Another-pass-987")
    user.save()

    # then the old token no longer authenticates
    assert gql(ME, client=client)["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_inactive_users_token_is_refused(db, gql, user):
    client = bearer_client(user)
    user.is_active = False
    user.save()
    assert gql(ME, client=client)["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_bearer_token_is_honoured(db, gql, user):
    body = gql(ME, client=bearer_client(user))
    assert body == {"data": {"me": {"id": str(user.id), "username": user.username}}}


CREATE_MOVIE = """
mutation($input: MovieInput!) { createMovie(input: $input) {
  movie { id title releaseDate genres { name } actors { name } cast { character order } } } }
"""


def test_create_movie_with_cast_through_the_service(db, gql, staff_client):
    # given a genre and two actors
    genre = GenreFactory(name="Noir")
    first, second = ActorFactory(name="B"), ActorFactory(name="A")

    # when staff creates a movie with a cast
    body = gql(
        CREATE_MOVIE,
        {
            "input": {
                "title": "Heat",
                "releaseDate": "1995-12-15",
                "genreIds": [str(genre.id)],
                "cast": [
                    {"actor": str(first.id), "character": "Neil"},
                    {"actor": str(second.id), "character": "Vincent"},
                ],
            }
        },
        client=staff_client,
    )

    # then it is stored with genres and cast in billing order
    movie = body["data"]["createMovie"]["movie"]
    assert movie["title"] == "Heat"
    assert movie["releaseDate"] == "1995-12-15"
    assert movie["genres"] == [{"name": "Noir"}]
    assert movie["actors"] == [{"name": "B"}, {"name": "A"}]
    assert movie["cast"] == [
        {"character": "Neil", "order": 0},
        {"character": "Vincent", "order": 1},
    ]


@pytest.mark.parametrize(
    "movie_input, field",
    [
        ({"title": "X", "genreIds": ["999999"]}, "genreIds"),
        ({"title": "X", "actorIds": ["999999"]}, "actorIds"),
        ({"title": "X", "releaseDate": "15/12/1995"}, "releaseDate"),
        ({"title": "X", "imdbId": "nope"}, "imdbId"),
        ({"title": "X", "tmdbId": -3}, "tmdbId"),
        ({"title": "   "}, "title"),
        ({"title": "X", "cast": [{"actor": "999999"}]}, "cast"),
    ],
)
def test_invalid_movie_input_names_the_field(db, gql, staff_client, movie_input, field):
    # when staff sends an invalid movie
    body = gql(CREATE_MOVIE, {"input": movie_input}, client=staff_client)

    # then BAD_USER_INPUT names the GraphQL input field, and nothing is stored
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == field
    assert error["extensions"]["errors"][0]["field"] == field
    assert not Movie.objects.exists()


def test_update_movie_changes_only_the_given_fields(db, gql, staff_client):
    # given a movie with a genre and a plot
    genre = GenreFactory()
    movie = MovieFactory(plot="Old plot.", genres=[genre])

    # when only the title is sent
    body = gql(
        'mutation($id: ID!) { updateMovie(id: $id, input: {title: "New"}) '
        "{ ok movie { title plot genres { id } } } }",
        {"id": str(movie.id)},
        client=staff_client,
    )

    # then the rest is kept
    assert body["data"]["updateMovie"] == {
        "ok": True,
        "movie": {"title": "New", "plot": "Old plot.", "genres": [{"id": str(genre.id)}]},
    }


def test_unknown_id_in_update_is_not_found(db, gql, staff_client):
    body = gql(
        'mutation { updateGenre(id: "424242", input: {name: "X"}) { ok } }', client=staff_client
    )
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_a_failing_mutation_rolls_back_the_whole_document(db, gql, staff_client):
    # given a document whose second mutation fails (genre names are unique regardless of case)
    document = """
    mutation { a: createGenre(input: {name: "Noir"}) { genre { id } }
               b: createGenre(input: {name: "NOIR"}) { genre { id } } }
    """

    # when it is posted
    body = gql(document, client=staff_client)

    # then the error names the field, and the first genre was not kept either
    assert body["errors"][0]["path"] == ["b"]
    assert body["errors"][0]["extensions"]["field"] == "name"
    assert not Genre.objects.exists()
