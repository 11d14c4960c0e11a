"""Catalog queries over GraphQL: parity with REST, shapes, pages and query counts."""

import datetime
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import bearer_client
from lists.models import MovieListEntry
from movies.models import Movie
from movies.services.ratings import movie_ratings_recompute
from movies.tests.factories import ActorFactory, GenreFactory, MovieFactory, ReviewFactory
from users.tests.factories import UserFactory

ALL_MOVIE_IDS = """
query Ids($search: String, $title: String, $genre: String, $actor: String,
          $minRating: Float, $maxRating: Float, $year: Int, $minYear: Int, $maxYear: Int,
          $orderBy: String, $first: Int, $after: String) {
  allMovies(search: $search, title: $title, genre: $genre, actor: $actor,
            minRating: $minRating, maxRating: $maxRating, year: $year, minYear: $minYear,
            maxYear: $maxYear, orderBy: $orderBy, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { id } }
  }
}
"""

MOVIE_DETAIL = """
query Detail($id: ID!) {
  movie(id: $id) {
    id title plot releaseDate year posterUrl imdbId tmdbId averageRating reviewCount
    genres { id name }
    actors { id name }
    cast { actor { id name } character order }
    reviewStats { total average counts { rating count } }
    myState { favorite watched watchlist rating }
  }
}
"""

PAGE_WITH_RELATIONS = """
query Page($first: Int) {
  allMovies(first: $first) {
    edges { node { id title genres { id name } actors { id name } } }
  }
}
"""

PAGE_WITH_REVIEWS = """
query Page($first: Int) {
  allMovies(first: $first) {
    edges { node { id genres { name } actors { name }
                   reviews(first: 3) { id rating user { id username } } } }
  }
}
"""

PAGE_WITH_MY_STATE = """
query Page($first: Int) {
  allMovies(first: $first) {
    totalCount
    edges { node { id genres { name } actors { name } myState { favorite rating } } }
  }
}
"""


@pytest.fixture
def catalog(db):
    """A dozen movies with genres, actors, ratings and years to filter and order by."""
    drama, space = GenreFactory(name="Drama"), GenreFactory(name="Space")
    ripley, deckard = ActorFactory(name="Ellen Ripley"), ActorFactory(name="Rick Deckard")
    movies = []
    for index in range(12):
        movie = MovieFactory(
            title=f"{'Space ' if index % 3 == 0 else ''}Film {index % 5}",
            plot="Lost in space." if index % 4 == 0 else "A quiet story.",
            release_date=datetime.date(1990 + index % 4, 1 + index, 1),
            genres=[drama] if index % 2 else [drama, space],
            actors=[ripley, deckard] if index % 3 else [deckard],
        )
        # Derived columns set directly: the rating math is the reviews' tests' business.
        # Every sixth movie is unrated (NULL), which orders last either way.
        Movie.objects.filter(pk=movie.pk).update(
            average_rating=Decimal(index % 6) * Decimal("0.75") or None, review_count=index % 4
        )
        movies.append(movie)
    return {"drama": drama, "space": space, "ripley": ripley, "deckard": deckard, "movies": movies}


def rest_ids(client, params):
    response = client.get("/api/movies/", {**params, "page_size": 100})
    assert response.status_code == HTTPStatus.OK, response.content
    return [row["id"] for row in response.json()["results"]]


def graphql_ids(gql, variables):
    body = gql(ALL_MOVIE_IDS, {**variables, "first": 100})
    assert "errors" not in body, body
    return [int(edge["node"]["id"]) for edge in body["data"]["allMovies"]["edges"]]


PARITY_CASES = [
    ({}, {}),
    ({"ordering": "title"}, {"orderBy": "title"}),
    ({"ordering": "-average_rating"}, {"orderBy": "-averageRating"}),
    ({"ordering": "review_count,-title"}, {"orderBy": "review_count,-title"}),
    ({"genre": "space", "ordering": "release_date"}, {"genre": "space", "orderBy": "release_date"}),
    ({"actor": "ripley"}, {"actor": "ripley"}),
    (
        {"search": "space", "ordering": "-release_date"},
        {"search": "space", "orderBy": "-releaseDate"},
    ),
    ({"title": "film 1"}, {"title": "film 1"}),
    ({"min_rating": "1.5", "max_rating": "3"}, {"minRating": 1.5, "maxRating": 3}),
    ({"year": 1991}, {"year": 1991}),
    (
        {"min_year": 1991, "max_year": 1992, "ordering": "-created_at"},
        {"minYear": 1991, "maxYear": 1992, "orderBy": "-created_at"},
    ),
]


@pytest.mark.parametrize("rest_params, graphql_args", PARITY_CASES)
def test_all_movies_returns_the_same_ids_in_the_same_order_as_rest(
    catalog, api_client, gql, rest_params, graphql_args
):
    # when the same filter and order go through both APIs
    via_rest = rest_ids(api_client, rest_params)
    via_graphql = graphql_ids(gql, graphql_args)

    # then the same movies come back in the same order
    assert via_graphql == via_rest
    assert via_rest  # every case matches something, so the comparison means something


def test_filter_by_genre_and_actor_id_matches_rest(catalog, api_client, gql):
    # given ids rather than names
    genre_id, actor_id = str(catalog["space"].id), str(catalog["ripley"].id)

    # then both APIs agree
    assert graphql_ids(gql, {"genre": genre_id, "actor": actor_id}) == rest_ids(
        api_client, {"genre": genre_id, "actor": actor_id}
    )


def test_pages_follow_the_rest_pages(catalog, api_client, gql):
    # given REST pages of 5, ordered by title
    rest_page_2 = api_client.get("/api/movies/", {"ordering": "title", "page_size": 5, "page": 2})
    expected = [row["id"] for row in rest_page_2.json()["results"]]

    # when GraphQL walks the same order 5 at a time
    first = gql(ALL_MOVIE_IDS, {"orderBy": "title", "first": 5})["data"]["allMovies"]
    second = gql(
        ALL_MOVIE_IDS, {"orderBy": "title", "first": 5, "after": first["pageInfo"]["endCursor"]}
    )["data"]["allMovies"]

    # then its second page is REST's second page
    assert [int(edge["node"]["id"]) for edge in second["edges"]] == expected
    assert first["totalCount"] == second["totalCount"] == 12
    assert first["pageInfo"]["hasPreviousPage"] is False
    assert second["pageInfo"]["hasPreviousPage"] is True
    assert second["pageInfo"]["hasNextPage"] is True


def test_movie_detail_fields_agree_with_rest(catalog, api_client, gql):
    # given a movie with a cast carrying characters and a few reviews
    movie = catalog["movies"][1]
    movie.castings.filter(actor=catalog["ripley"]).update(character="Ripley")
    ReviewFactory(movie=movie, rating=5)
    ReviewFactory(movie=movie, rating=2)
    movie_ratings_recompute(movie_ids=[movie.pk])

    # when it is read through both APIs
    rest = api_client.get(f"/api/movies/{movie.id}/").json()
    node = gql(MOVIE_DETAIL, {"id": str(movie.id)})["data"]["movie"]

    # then every field agrees
    assert node["id"] == str(rest["id"])
    assert node["title"] == rest["title"]
    assert node["plot"] == rest["plot"]
    assert node["releaseDate"] == rest["release_date"]
    assert node["year"] == rest["year"]
    assert node["posterUrl"] == rest["poster"]
    assert node["imdbId"] == rest["imdb_id"]
    assert node["tmdbId"] == rest["tmdb_id"]
    assert node["averageRating"] == float(rest["average_rating"])
    assert node["reviewCount"] == rest["review_count"]
    assert node["genres"] == [{"id": str(g["id"]), "name": g["name"]} for g in rest["genres"]]
    assert node["actors"] == [{"id": str(a["id"]), "name": a["name"]} for a in rest["actors"]]
    assert node["cast"] == [
        {
            "actor": {"id": str(c["actor"]["id"]), "name": c["actor"]["name"]},
            "character": c["character"],
            "order": c["order"],
        }
        for c in rest["cast"]
    ]
    assert node["cast"][0]["character"] == "Ripley"
    stats = rest["review_stats"]
    assert node["reviewStats"] == {
        "total": stats["total"],
        "average": float(stats["average"]),
        "counts": [{"rating": int(k), "count": v} for k, v in stats["counts"].items()],
    }
    assert node["reviewStats"]["total"] == 2
    assert node["myState"] is None and rest["my_state"] is None


def test_my_state_agrees_with_rest_for_a_signed_in_caller(catalog, user, gql):
    # given a signed-in user who favorited a movie and reviewed it
    movie = catalog["movies"][2]
    MovieListEntry.objects.create(user=user, movie=movie, kind="favorite")
    ReviewFactory(user=user, movie=movie, rating=3)
    client = bearer_client(user)

    # when both APIs are asked
    rest = client.get(f"/api/movies/{movie.id}/").json()["my_state"]
    node = gql(MOVIE_DETAIL, {"id": str(movie.id)}, client=client)["data"]["movie"]

    # then the same state
    # (the document asks the lists and the rating; REST also has the diary's two keys)
    assert node["myState"] == {key: rest[key] for key in node["myState"]}
    assert rest == {
        "favorite": True,
        "watched": False,
        "watchlist": False,
        "rating": 3,
        "watch_count": 0,
        "last_watched_on": None,
    }


def test_missing_movie_is_null_not_an_error(db, gql):
    # when a movie that does not exist is asked for
    body = gql(MOVIE_DETAIL, {"id": "987654"})

    # then null, as the contract says
    assert body == {"data": {"movie": None}}


def test_total_count_is_not_counted_unless_selected(catalog, gql):
    # when a page is asked without totalCount
    with CaptureQueriesContext(connection) as queries:
        gql("{ allMovies(first: 3) { edges { node { id } } } }")

    # then no COUNT query runs
    assert not any("COUNT(" in query["sql"].upper() for query in queries.captured_queries)


def many_movies(count):
    genres = GenreFactory.create_batch(3)
    actors = ActorFactory.create_batch(4)
    for index in range(count):
        movie = MovieFactory(genres=genres[: 1 + index % 3], actors=actors[: 1 + index % 4])
        for _ in range(index % 5):
            ReviewFactory(movie=movie)


def count_queries(gql, query, first, client=None):
    with CaptureQueriesContext(connection) as queries:
        body = gql(query, {"first": first}, client=client)
    assert "errors" not in body, body
    assert len(body["data"]["allMovies"]["edges"]) == first
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, expected",
    [(PAGE_WITH_RELATIONS, 2), (PAGE_WITH_REVIEWS, 3)],
    ids=["genres-and-actors", "with-reviews-first-3"],
)
def test_query_count_is_fixed_whatever_the_page_size(gql, query, expected):
    # given 100 movies with genres, actors and reviews
    many_movies(100)

    # when pages of 5, 20 and 100 are read
    counts = [count_queries(gql, query, first) for first in (5, 20, 100)]

    # then each costs the same fixed number of queries: movies, genres, actors (+ reviews)
    assert counts == [expected] * 3


@pytest.mark.django_db
def test_query_count_with_my_state_is_fixed(gql):
    # given 100 movies and a signed-in caller with a favorite
    many_movies(100)
    user = UserFactory()
    MovieListEntry.objects.create(user=user, movie=Movie.objects.first(), kind="favorite")
    client = bearer_client(user)

    # when pages of 5, 20 and 100 are read with myState and totalCount
    counts = [count_queries(gql, PAGE_WITH_MY_STATE, first, client) for first in (5, 20, 100)]

    # then: auth user, COUNT, movies, genres and actors, 3 for myState (lists, ratings,
    # the diary's watches) — at any size
    assert counts == [7] * 3


def test_nested_reviews_are_the_newest_per_movie(db, gql):
    # given two movies with several reviews each
    first, second = MovieFactory(), MovieFactory()
    for movie in (first, second):
        for rating in (1, 2, 3, 4, 5):
            ReviewFactory(movie=movie, rating=rating)

    # when two reviews per movie are asked
    body = gql("{ allMovies { edges { node { id reviews(first: 2) { rating } } } } }")

    # then each movie has its own two newest
    by_id = {e["node"]["id"]: e["node"]["reviews"] for e in body["data"]["allMovies"]["edges"]}
    assert by_id == {
        str(first.id): [{"rating": 5}, {"rating": 4}],
        str(second.id): [{"rating": 5}, {"rating": 4}],
    }


def test_genre_and_actor_lists_and_lookups(catalog, api_client, gql):
    # when genres and actors are listed and looked up
    body = gql(
        """
        query($genre: ID!, $actor: ID!) {
          allGenres(name: "a") { totalCount edges { node { id name } } }
          allActors(name: "rick") { edges { node { id name birthDate bio photoUrl } } }
          genre(id: $genre) { name }
          actor(id: $actor) { name }
          noGenre: genre(id: "999999") { name }
        }
        """,
        {"genre": str(catalog["space"].id), "actor": str(catalog["ripley"].id)},
    )["data"]

    # then they match REST's lists and the lookups find the rows
    rest_genres = api_client.get("/api/movies/genres/", {"name": "a"}).json()["results"]
    assert [e["node"]["name"] for e in body["allGenres"]["edges"]] == [
        g["name"] for g in rest_genres
    ]
    assert body["allActors"]["edges"] == [
        {
            "node": {
                "id": str(catalog["deckard"].id),
                "name": "Rick Deckard",
                "birthDate": None,
                "bio": "",
                "photoUrl": None,
            }
        }
    ]
    assert body["genre"] == {"name": "Space"}
    assert body["actor"] == {"name": "Ellen Ripley"}
    assert body["noGenre"] is None


def test_fragments_and_aliases_still_get_their_prefetches(catalog, gql):
    # given the customer-support style document: a fragment, and aliases
    query = """
    query { a: allMovies(first: 2) { edges { node { ...F } } }
            b: allMovies(first: 2, orderBy: "title") { edges { node { ...F } } } }
    fragment F on Movie { id title year genres { id name } }
    """

    # when
    with CaptureQueriesContext(connection) as queries:
        body = gql(query)

    # then genres come from a prefetch: 2 queries per list
    assert "errors" not in body
    assert len(body["data"]["a"]["edges"][0]["node"]["genres"]) >= 1
    assert len(queries) == 4
