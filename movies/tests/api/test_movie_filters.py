"""Every movie filter, search and ordering returns exactly the right ids in order."""

import datetime
from decimal import Decimal
from http import HTTPStatus

import pytest

from movies.models import Movie
from movies.tests.factories import ActorFactory, GenreFactory, MovieFactory


@pytest.fixture
def catalog(db):
    """Five movies with known genres, cast, ratings, years and creation times."""
    drama, comedy, scifi = (GenreFactory(name=n) for n in ("Drama", "Comedy", "Science Fiction"))
    keanu = ActorFactory(name="Keanu Reeves")
    carrie = ActorFactory(name="Carrie-Anne Moss")
    tom = ActorFactory(name="Tom Hanks")
    specs = [
        # key, title, plot, date, genres, actors, rating, count, imdb, tmdb
        (
            "matrix",
            "The Matrix",
            "A hacker learns the truth.",
            (1999, 3, 31),
            [scifi, drama],
            [keanu, carrie],
            "4.50",
            10,
            "tt0133093",
            603,
        ),
        (
            "reloaded",
            "The Matrix Reloaded",
            "Zion is under attack.",
            (2003, 5, 15),
            [scifi],
            [carrie, keanu],
            "3.75",
            5,
            "tt0234215",
            604,
        ),
        (
            "castaway",
            "Cast Away",
            "A man is stranded on an island.",
            (2000, 12, 22),
            [drama],
            [tom],
            "4.00",
            7,
            None,
            None,
        ),
        (
            "big",
            "Big",
            "A boy wakes up grown; no Matrix here.",
            (1988, 6, 3),
            [comedy, drama],
            [tom],
            "3.50",
            3,
            None,
            None,
        ),
        (
            "apollo",
            "Apollo 13",
            "Houston, we have a problem.",
            (1995, 6, 30),
            [drama],
            [tom],
            "4.00",
            7,
            None,
            None,
        ),
    ]
    movies = {}
    base = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    for index, (key, title, plot, date, genres, actors, rating, count, imdb, tmdb) in enumerate(
        specs
    ):
        movie = MovieFactory(
            title=title,
            plot=plot,
            release_date=datetime.date(*date),
            genres=genres,
            actors=actors,
            imdb_id=imdb,
            tmdb_id=tmdb,
        )
        Movie.objects.filter(pk=movie.pk).update(
            average_rating=Decimal(rating),
            review_count=count,
            created_at=base + datetime.timedelta(days=index),
        )
        movies[key] = movie.pk
    movies["genres"] = {"drama": drama.pk, "comedy": comedy.pk, "scifi": scifi.pk}
    movies["actors"] = {"keanu": keanu.pk, "carrie": carrie.pk, "tom": tom.pk}
    return movies


def ids(client, query):
    response = client.get(f"/api/movies/?{query}")
    assert response.status_code == HTTPStatus.OK, response.content
    return [row["id"] for row in response.json()["results"]]


CASES = [
    # (query, expected keys in order)
    ("", ["apollo", "big", "castaway", "reloaded", "matrix"]),  # newest first
    ("search=matrix&ordering=title", ["big", "matrix", "reloaded"]),  # title or plot
    ("search=ISLAND", ["castaway"]),
    ("title=matrix&ordering=title", ["matrix", "reloaded"]),
    ("genre=science fiction&ordering=title", ["matrix", "reloaded"]),
    ("genre=DRAMA&ordering=title", ["apollo", "big", "castaway", "matrix"]),
    ("genre=Drama&actor=tom&ordering=release_date", ["big", "apollo", "castaway"]),
    ("actor=keanu&ordering=-release_date", ["reloaded", "matrix"]),
    # "an" matches Keanu, Carrie-Anne and Hanks: each movie still listed once
    ("actor=an&ordering=title", ["apollo", "big", "castaway", "matrix", "reloaded"]),
    ("min_rating=4&ordering=title", ["apollo", "castaway", "matrix"]),
    ("max_rating=3.75&ordering=title", ["big", "reloaded"]),
    ("min_rating=3.6&max_rating=4&ordering=title", ["apollo", "castaway", "reloaded"]),
    ("year=1999", ["matrix"]),
    ("min_year=2000&ordering=release_date", ["castaway", "reloaded"]),
    ("max_year=1995&ordering=release_date", ["big", "apollo"]),
    ("min_year=1990&max_year=2000&ordering=-release_date", ["castaway", "matrix", "apollo"]),
    ("imdb_id=tt0133093", ["matrix"]),
    ("tmdb_id=604", ["reloaded"]),
    ("ordering=title", ["apollo", "big", "castaway", "matrix", "reloaded"]),
    ("ordering=-title", ["reloaded", "matrix", "castaway", "big", "apollo"]),
    ("ordering=release_date", ["big", "apollo", "matrix", "castaway", "reloaded"]),
    ("ordering=-release_date", ["reloaded", "castaway", "matrix", "apollo", "big"]),
    # ties (apollo and castaway both 4.00 / 7) break on id, in the key's direction
    ("ordering=average_rating", ["big", "reloaded", "castaway", "apollo", "matrix"]),
    ("ordering=-average_rating", ["matrix", "apollo", "castaway", "reloaded", "big"]),
    ("ordering=review_count", ["big", "reloaded", "castaway", "apollo", "matrix"]),
    ("ordering=-review_count", ["matrix", "apollo", "castaway", "reloaded", "big"]),
    ("ordering=created_at", ["matrix", "reloaded", "castaway", "big", "apollo"]),
    ("ordering=-created_at", ["apollo", "big", "castaway", "reloaded", "matrix"]),
    ("ordering=-average_rating,title", ["matrix", "apollo", "castaway", "reloaded", "big"]),
]


@pytest.mark.parametrize(("query", "expected"), CASES)
def test_filter_returns_exact_ids_in_order(api_client, catalog, query, expected):
    # given the catalog; when the list is filtered; then exactly these movies, in order
    assert ids(api_client, query) == [catalog[key] for key in expected]


def test_tie_break_is_by_id_ascending_for_ascending_keys(api_client, catalog):
    # given apollo and castaway tie on rating; castaway was created first (smaller id)
    assert catalog["castaway"] < catalog["apollo"]
    # when ordered by rating ascending, the tie is broken by id ascending
    order = ids(api_client, "ordering=average_rating")
    assert order.index(catalog["castaway"]) < order.index(catalog["apollo"])


def test_genre_and_actor_by_id(api_client, catalog):
    # when filtering by numeric ids
    by_genre = ids(api_client, f"genre={catalog['genres']['comedy']}")
    by_actor = ids(api_client, f"actor={catalog['actors']['carrie']}&ordering=title")
    # then the id is used, not a name
    assert by_genre == [catalog["big"]]
    assert by_actor == [catalog["matrix"], catalog["reloaded"]]


def test_unknown_genre_name_or_id_matches_nothing(api_client, catalog):
    assert ids(api_client, "genre=Western") == []
    assert ids(api_client, "genre=999999") == []
    assert ids(api_client, "actor=99999999999999999999999") == []


def test_count_matches_rows_without_duplicates(api_client, catalog):
    # when one movie matches the actor filter through two cast members
    body = api_client.get("/api/movies/?actor=an").json()
    # then it is counted and listed once
    assert body["count"] == 5
    assert len({row["id"] for row in body["results"]}) == 5


def test_page_size_is_capped_at_100(api_client, db):
    # given 101 movies
    MovieFactory.create_batch(101)
    # when asking for 1000 per page
    body = api_client.get("/api/movies/?page_size=1000").json()
    # then 100 come back, and the next page holds the last one
    assert body["count"] == 101
    assert len(body["results"]) == 100
    assert body["next"] is not None
    assert len(api_client.get(body["next"]).json()["results"]) == 1


def test_pages_do_not_overlap_under_ties(api_client, db):
    # given 30 movies with identical ratings
    created = MovieFactory.create_batch(30)
    # when paging through by rating, 7 at a time
    seen = []
    for page in range(1, 6):
        body = api_client.get(f"/api/movies/?ordering=-average_rating&page_size=7&page={page}")
        seen += [row["id"] for row in body.json()["results"]]
    # then every movie appears exactly once, in id order (descending tie-break)
    assert seen == sorted((m.pk for m in created), reverse=True)
