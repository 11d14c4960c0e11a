"""Movie list/detail shapes, writes, bad input, query counts and conditional GET."""

import datetime
import json
from decimal import Decimal
from http import HTTPStatus

import pytest

from conftest import bearer_client
from lists.models import MovieListEntry
from movies.models import Casting, Movie
from movies.services.ratings import movie_ratings_recompute
from movies.tests.factories import ActorFactory, GenreFactory, MovieFactory, ReviewFactory
from users.tests.factories import UserFactory

LIST_KEYS = {
    "id", "title", "plot", "release_date", "year", "poster", "imdb_id", "tmdb_id", "genres",
    "actors", "average_rating", "rating_count", "review_count", "created_at", "updated_at",
    "my_state",
}  # fmt: skip


@pytest.fixture
def matrix(db):
    scifi = GenreFactory(name="Science Fiction")
    keanu, carrie = ActorFactory(name="Keanu Reeves"), ActorFactory(name="Carrie-Anne Moss")
    movie = MovieFactory(
        title="The Matrix",
        release_date=datetime.date(1999, 3, 31),
        genres=[scifi],
        imdb_id="tt0133093",
        tmdb_id=603,
    )
    Casting.objects.create(movie=movie, actor=carrie, character="Trinity", order=1)
    Casting.objects.create(movie=movie, actor=keanu, character="Neo", order=0)
    Movie.objects.filter(pk=movie.pk).update(average_rating=Decimal("4.25"), review_count=4)
    return movie


def error_fields(response) -> set:
    return {error["field"] for error in response.json()["errors"]}


# --------------------------------------------------------------------------- reads


def test_list_shape_for_anonymous(api_client, matrix):
    # when an anonymous caller lists movies
    body = api_client.get("/api/movies/").json()
    # then the list envelope and the movie shape match the contract
    assert set(body) == {"count", "next", "previous", "results"}
    row = body["results"][0]
    assert set(row) == LIST_KEYS
    assert row["title"] == "The Matrix"
    assert row["year"] == 1999
    assert row["genres"] == [{"id": matrix.genres.get().pk, "name": "Science Fiction"}]
    # actors in billing order, not by name
    assert [a["name"] for a in row["actors"]] == ["Keanu Reeves", "Carrie-Anne Moss"]
    assert row["average_rating"] == 4.25
    assert row["review_count"] == 4
    assert row["my_state"] is None


def test_my_state_for_signed_in_caller(matrix, user, auth_client):
    # given the caller favorited and rated the movie
    MovieListEntry.objects.create(user=user, movie=matrix, kind="favorite")
    ReviewFactory(user=user, movie=matrix, rating=5)
    # when listing and reading the detail
    row = auth_client.get("/api/movies/").json()["results"][0]
    detail = auth_client.get(f"/api/movies/{matrix.pk}/").json()
    # then both say so
    expected = {
        "favorite": True,
        "watched": False,
        "watchlist": False,
        "rating": 5,
        "watch_count": 0,
        "last_watched_on": None,
    }
    assert row["my_state"] == expected
    assert detail["my_state"] == expected


def test_detail_adds_cast_and_review_stats(api_client, matrix):
    # given reviews 5, 5, 4, 1, stored as a bulk loader does (rows, then the statistics)
    for rating in (5, 5, 4, 1):
        ReviewFactory(movie=matrix, rating=rating)
    movie_ratings_recompute(movie_ids=[matrix.pk])
    # when reading the detail
    body = api_client.get(f"/api/movies/{matrix.pk}/").json()
    # then cast is in billing order with characters and stats cover every bucket
    assert set(body) == LIST_KEYS | {
        "runtime", "cast", "crew", "keywords", "rating_stats", "review_stats"
    }  # fmt: skip
    assert [(c["actor"]["name"], c["character"], c["order"]) for c in body["cast"]] == [
        ("Keanu Reeves", "Neo", 0),
        ("Carrie-Anne Moss", "Trinity", 1),
    ]
    assert body["rating_stats"] == {
        "count": 4,
        "average": 3.75,
        "counts": {
            "0.5": 0, "1.0": 1, "1.5": 0, "2.0": 0, "2.5": 0,
            "3.0": 0, "3.5": 0, "4.0": 1, "4.5": 0, "5.0": 2,
        },
    }  # fmt: skip
    # and the deprecated summary keeps its old shape, announced in the headers
    assert body["review_stats"] == {
        "total": 4,
        "average": 3.75,
        "counts": {"1": 1, "2": 0, "3": 0, "4": 1, "5": 2},
    }


def test_unknown_movie_is_json_404(api_client, db):
    response = api_client.get("/api/movies/999999/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json()["status"] == HTTPStatus.NOT_FOUND


# --------------------------------------------------------------------------- writes


def test_staff_creates_movie_with_cast(staff_client, db):
    # given a genre and two actors
    drama = GenreFactory(name="Drama")
    a, b = ActorFactory(name="A"), ActorFactory(name="B")
    # when staff creates a movie with a cast
    response = staff_client.post(
        "/api/movies/",
        {
            "title": "  Heat  ",
            "plot": "Cops and robbers.",
            "release_date": "1995-12-15",
            "genres": [drama.pk],
            "cast": [{"actor": b.pk, "character": "McCauley", "order": 1}, {"actor": a.pk}],
            "imdb_id": "tt0113277",
            "tmdb_id": 949,
            "average_rating": 5,
            "review_count": 999,
        },
        format="json",
    )
    # then it is stored as given, derived columns untouched, and the detail shape returned
    assert response.status_code == HTTPStatus.CREATED, response.content
    body = response.json()
    movie = Movie.objects.get(pk=body["id"])
    assert movie.title == "Heat"
    assert (movie.average_rating, movie.rating_count, movie.review_count) == (None, 0, 0)
    # an entry without `order` takes its list position; ties keep the given order
    assert [(c["actor"]["id"], c["character"], c["order"]) for c in body["cast"]] == [
        (b.pk, "McCauley", 1),
        (a.pk, "", 1),
    ]
    assert body["genres"] == [{"id": drama.pk, "name": "Drama"}]
    assert body["rating_stats"]["count"] == 0
    assert body["rating_stats"]["average"] is None


def test_staff_creates_movie_with_actor_ids_in_billing_order(staff_client, db):
    a, b, c = ActorFactory(), ActorFactory(), ActorFactory()
    response = staff_client.post(
        "/api/movies/", {"title": "Ordered", "actors": [c.pk, a.pk, b.pk]}, format="json"
    )
    assert response.status_code == HTTPStatus.CREATED
    assert [x["id"] for x in response.json()["actors"]] == [c.pk, a.pk, b.pk]
    movie = Movie.objects.get(pk=response.json()["id"])
    assert list(movie.castings.values_list("actor_id", "order")) == [
        (c.pk, 0),
        (a.pk, 1),
        (b.pk, 2),
    ]


def test_patch_changes_only_given_fields(staff_client, matrix):
    # when staff patches the plot and the genres
    comedy = GenreFactory(name="Comedy")
    response = staff_client.patch(
        f"/api/movies/{matrix.pk}/",
        {"plot": "New plot.", "genres": [comedy.pk], "average_rating": 1},
        format="json",
    )
    # then only those change
    assert response.status_code == HTTPStatus.OK
    matrix.refresh_from_db()
    assert matrix.plot == "New plot."
    assert matrix.title == "The Matrix"
    assert list(matrix.genres.values_list("name", flat=True)) == ["Comedy"]
    assert matrix.castings.count() == 2
    assert matrix.average_rating == Decimal("4.25")


def test_put_requires_title(staff_client, matrix):
    response = staff_client.put(f"/api/movies/{matrix.pk}/", {"plot": "x"}, format="json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert error_fields(response) == {"title"}


def test_delete_removes_movie_and_cast(staff_client, matrix):
    response = staff_client.delete(f"/api/movies/{matrix.pk}/")
    assert response.status_code == HTTPStatus.NO_CONTENT
    assert not Movie.objects.filter(pk=matrix.pk).exists()
    assert not Casting.objects.filter(movie_id=matrix.pk).exists()


def test_duplicate_external_ids_are_field_errors(staff_client, matrix):
    response = staff_client.post(
        "/api/movies/", {"title": "Copy", "imdb_id": "tt0133093", "tmdb_id": 603}, format="json"
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert error_fields(response) == {"imdb_id", "tmdb_id"}
    assert {e["code"] for e in response.json()["errors"]} == {"unique"}
    assert Movie.objects.count() == 1


# --------------------------------------------------------------------------- bad input

BAD_BODIES = [
    ({"title": "x" * 10_000}, "title"),
    ({"title": ""}, "title"),
    ({"title": "   "}, "title"),
    ({"title": None}, "title"),
    ({"title": ["a"]}, "title"),
    ({"title": "ok", "release_date": "31/03/1999"}, "release_date"),
    ({"title": "ok", "release_date": 1999}, "release_date"),
    ({"title": "ok", "genres": "1,2"}, "genres"),
    ({"title": "ok", "genres": ["abc"]}, "genres.0"),
    ({"title": "ok", "genres": [999999]}, "genres"),
    ({"title": "ok", "genres": [99999999999999999999]}, "genres"),
    ({"title": "ok", "actors": [999999]}, "actors"),
    ({"title": "ok", "actors": [-1]}, "actors"),
    ({"title": "ok", "cast": [{"actor": 999999}]}, "cast"),
    ({"title": "ok", "cast": [{"character": "Neo"}]}, "cast.0.actor"),
    ({"title": "ok", "cast": "Neo"}, "cast"),
    ({"title": "ok", "imdb_id": "nm0000206"}, "imdb_id"),
    ({"title": "ok", "tmdb_id": 99999999999999999999}, "tmdb_id"),
    ({"title": "ok", "tmdb_id": 0}, "tmdb_id"),
    ({"title": "ok", "tmdb_id": "abc"}, "tmdb_id"),
    ({"title": "ok", "plot": "p" * 10_001}, "plot"),
    ({"title": "nul\x00byte"}, "title"),
]


@pytest.mark.parametrize(("body", "field"), BAD_BODIES)
def test_bad_movie_body_is_400_naming_the_field(staff_client, db, body, field):
    # given an empty catalog; when staff posts an invalid movie
    response = staff_client.post("/api/movies/", body, format="json")
    # then 400 names the field, and nothing was written
    assert response.status_code == HTTPStatus.BAD_REQUEST, response.content
    assert field in error_fields(response), response.json()
    assert all(e["message"] for e in response.json()["errors"])
    assert Movie.objects.count() == 0
    assert Casting.objects.count() == 0


def test_unknown_ids_fail_the_whole_write(staff_client, db):
    # given one real genre and one real actor
    genre, actor = GenreFactory(), ActorFactory()
    # when the body mixes them with unknown ids
    response = staff_client.post(
        "/api/movies/",
        {"title": "Half", "genres": [genre.pk, 424242], "actors": [actor.pk, 434343]},
        format="json",
    )
    # then both unknown ids are named and nothing is half-written
    assert response.status_code == HTTPStatus.BAD_REQUEST
    message = response.json()["errors"][0]["message"]
    assert "424242" in message
    assert Movie.objects.count() == 0


def test_malformed_json_is_400(staff_client, db):
    response = staff_client.generic(
        "POST", "/api/movies/", '{"title": "x",', content_type="application/json"
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["code"] == "parse_error"
    assert Movie.objects.count() == 0


def test_json_array_body_is_400(staff_client, db):
    response = staff_client.generic(
        "POST", "/api/movies/", json.dumps(["title"]), content_type="application/json"
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert Movie.objects.count() == 0


def test_unicode_title_round_trips(staff_client, db):
    title = "Amélie — 天使の涙 🎬"
    response = staff_client.post("/api/movies/", {"title": title}, format="json")
    assert response.status_code == HTTPStatus.CREATED
    assert Movie.objects.get().title == title
    assert staff_client.get("/api/movies/?title=天使").json()["count"] == 1


BAD_QUERIES = [
    ("min_rating=abc", "min_rating"),
    ("min_rating=1e309", "min_rating"),
    ("max_rating=-1", "max_rating"),
    ("min_rating=NaN", "min_rating"),
    ("year=abc", "year"),
    ("min_year=99999999999999999999", "min_year"),
    ("tmdb_id=99999999999999999999", "tmdb_id"),
    ("ordering=plot", "ordering"),
    ("ordering=-password", "ordering"),
    ("page=0", "page"),
    ("page=-1", "page"),
    ("page=abc", "page"),
    ("page=99", "page"),
    ("page_size=0", "page_size"),
    ("page_size=abc", "page_size"),
    ("search=" + "x" * 201, "search"),
]


@pytest.mark.parametrize(("query", "field"), BAD_QUERIES)
def test_bad_query_is_4xx_naming_the_parameter(api_client, matrix, query, field):
    response = api_client.get(f"/api/movies/?{query}")
    assert HTTPStatus.BAD_REQUEST <= response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR
    assert field in error_fields(response), response.json()


def test_genre_list_bad_filter_is_400(api_client, db):
    response = api_client.get("/api/movies/genres/?name=" + "x" * 51)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert error_fields(response) == {"name"}


# --------------------------------------------------------------------------- query counts


@pytest.fixture
def hundred_movies(db):
    genres = GenreFactory.create_batch(3)
    actors = ActorFactory.create_batch(4)
    for index in range(100):
        MovieFactory(genres=genres[: 1 + index % 3], actors=actors[: 2 + index % 3])


# count + page + genres and actors together (one UNION query)
ANON_LIST_QUERIES = 3
# + the JWT user + my_state (list entries, ratings, diary watches)
SIGNED_IN_LIST_QUERIES = ANON_LIST_QUERIES + 4


@pytest.mark.parametrize("page_size", [5, 100])
def test_list_query_count_is_flat_anonymous(
    api_client, hundred_movies, django_assert_num_queries, page_size
):
    with django_assert_num_queries(ANON_LIST_QUERIES):
        body = api_client.get(f"/api/movies/?page_size={page_size}").json()
    assert len(body["results"]) == page_size


@pytest.mark.parametrize("page_size", [5, 100])
def test_list_query_count_is_flat_signed_in(
    auth_client, user, hundred_movies, django_assert_num_queries, page_size
):
    # given the user has entries on the page (so my_state has work to do)
    for movie in Movie.objects.all()[:10]:
        MovieListEntry.objects.create(user=user, movie=movie, kind="watched")
        ReviewFactory(user=user, movie=movie, rating=3)
    with django_assert_num_queries(SIGNED_IN_LIST_QUERIES):
        body = auth_client.get(
            f"/api/movies/?page_size={page_size}&genre=&ordering=-created_at"
        ).json()
    assert len(body["results"]) == page_size


def test_filtered_list_query_count(api_client, hundred_movies, django_assert_num_queries):
    genre = GenreFactory._meta.model.objects.first()
    with django_assert_num_queries(ANON_LIST_QUERIES):
        response = api_client.get(f"/api/movies/?genre={genre.name}&actor=Actor&min_year=1990")
    assert response.status_code == HTTPStatus.OK


def test_detail_query_count(api_client, auth_client, matrix, django_assert_num_queries):
    ReviewFactory.create_batch(3, movie=matrix)
    # the movie row (with its rating statistics) + genres and cast in one query
    with django_assert_num_queries(2):
        assert api_client.get(f"/api/movies/{matrix.pk}/").status_code == HTTPStatus.OK
    # + the JWT user + my_state (3)
    with django_assert_num_queries(6):
        assert auth_client.get(f"/api/movies/{matrix.pk}/").status_code == HTTPStatus.OK


# --------------------------------------------------------------------------- conditional GET


@pytest.mark.parametrize("path", ["/api/movies/", "/api/movies/{pk}/"])
def test_etag_304_then_200_after_change(api_client, staff_client, matrix, path):
    url = path.format(pk=matrix.pk)
    # given a first response with an ETag
    first = api_client.get(url)
    etag = first.headers["ETag"]
    assert "Authorization" in first.headers["Vary"]
    # when repeated with If-None-Match
    repeat = api_client.get(url, HTTP_IF_NONE_MATCH=etag)
    # then 304 with no body
    assert repeat.status_code == HTTPStatus.NOT_MODIFIED
    assert repeat.content == b""
    # when the movie changes
    staff_client.patch(f"/api/movies/{matrix.pk}/", {"title": "The Matrix (1999)"}, format="json")
    after = api_client.get(url, HTTP_IF_NONE_MATCH=etag)
    # then 200 with a new ETag
    assert after.status_code == HTTPStatus.OK
    assert after.headers["ETag"] != etag
    assert "The Matrix (1999)" in after.content.decode()


def test_etag_differs_per_caller(api_client, matrix):
    # given a user who favorited the movie and one who did not
    fan = UserFactory()
    MovieListEntry.objects.create(user=fan, movie=matrix, kind="favorite")
    # then their bodies (and so their ETags) differ from the anonymous one
    anon = api_client.get("/api/movies/").headers["ETag"]
    mine = bearer_client(fan).get("/api/movies/").headers["ETag"]
    theirs = bearer_client(UserFactory()).get("/api/movies/").headers["ETag"]
    assert len({anon, mine, theirs}) == 3
