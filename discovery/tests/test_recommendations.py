"""Recommended for you, on a hand-made catalog whose right answer is worked out below.

Likes (a rating of 4 or more, or a favorite):
    me: A (rated 5), D (favorite); E is on my watchlist (seen, not liked)
    u1: A, B        u2: A, B, C        u3: A, C, E
    u4: D, and B rated 2 (not a like)  u5: D, C (favorites)

Likers: A {me,u1,u2,u3} 4, B {u1,u2} 2, C {u2,u3,u5} 3, D {me,u4,u5} 3, E {u3} 1.
Cosine neighbours (shared / sqrt(likers x likers)):
    A~B 2/sqrt(8)  A~C 2/sqrt(12)  A~D 1/sqrt(12)  A~E 1/sqrt(4)  D~C 1/sqrt(9)
For me (seen: A, D, E): C = 2/sqrt(12) + 1/3 because [A, D]; B = 2/sqrt(8) because [A].
"""

import math
from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import bearer_client
from diary.models import DiaryEntry
from discovery.models import MovieNeighbour
from discovery.recommendations import recommendations
from lists.models import MovieListEntry
from movies.models import Rating
from movies.tests.factories import MovieFactory
from movies.viewer_state import movie_states_for
from users.tests.factories import UserFactory

FIELDS = "source results { score because movie { id title myState { rating } } }"


def build_catalog():
    """The catalog of the module docstring, with its neighbours computed."""
    movies = {name: MovieFactory(title=name) for name in "ABCDEF"}
    users = {name: UserFactory(username=name) for name in ("me", "u1", "u2", "u3", "u4", "u5")}

    def rate(user, movie, value):
        Rating.objects.create(user=users[user], movie=movies[movie], value=value)

    def add(user, movie, kind):
        MovieListEntry.objects.create(user=users[user], movie=movies[movie], kind=kind)

    rate("me", "A", 5)
    add("me", "D", "favorite")
    add("me", "E", "watchlist")
    for user, liked in (("u1", "AB"), ("u2", "ABC"), ("u3", "ACE"), ("u4", "D")):
        for movie in liked:
            rate(user, movie, 4.5)
    rate("u4", "B", 2)
    add("u5", "D", "favorite")
    add("u5", "C", "favorite")
    call_command("compute_neighbours", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return movies, users


@pytest.fixture
def catalog(db):
    return build_catalog()


def test_the_neighbours_are_the_cosines_of_the_likers(catalog):
    movies, _users = catalog
    names = {movie.pk: name for name, movie in movies.items()}
    table = {
        (names[row.movie_id], names[row.neighbour_id]): (round(row.score, 9), row.shared)
        for row in MovieNeighbour.objects.all()
    }
    assert table[("A", "B")] == (round(2 / math.sqrt(8), 9), 2)
    assert table[("A", "C")] == (round(2 / math.sqrt(12), 9), 2)
    assert table[("A", "D")] == (round(1 / math.sqrt(12), 9), 1)
    assert table[("A", "E")] == (round(1 / math.sqrt(4), 9), 1)
    assert table[("D", "C")] == (round(1 / 3, 9), 1)
    assert table[("C", "D")] == (round(1 / 3, 9), 1)
    # symmetric, and never a movie with itself; F (liked by no one) has none
    assert all(table[(b, a)] == value for (a, b), value in table.items())
    assert not any(a == b or "F" in (a, b) for a, b in table)


def test_the_caller_gets_the_hand_worked_answer_on_both_doors(catalog, gql):
    # given the catalog, and me signed in
    movies, users = catalog
    client = bearer_client(users["me"])

    # when I ask both doors
    body = client.get("/api/users/me/recommendations/").json()
    data = gql(f"{{ me {{ recommendations {{ {FIELDS} }} }} }}", client=client)
    data = data["data"]["me"]["recommendations"]

    # then C (because A, then D) and B (because A); never A, D or E, which I have seen
    a, d = movies["A"].pk, movies["D"].pk
    assert body["source"] == "personal"
    assert [(r["movie"]["title"], r["because"]) for r in body["results"]] == [
        ("C", [a, d]),
        ("B", [a]),
    ]
    assert [r["score"] for r in body["results"]] == [
        round(2 / math.sqrt(12) + 1 / 3, 6),
        round(2 / math.sqrt(8), 6),
    ]
    assert data["source"] == "PERSONAL"
    assert [(r["movie"]["title"], r["because"], r["score"]) for r in data["results"]] == [
        (r["movie"]["title"], [str(i) for i in r["because"]], r["score"]) for r in body["results"]
    ]
    assert body["results"][0]["movie"]["my_state"]["rating"] is None


def test_a_low_rating_is_seen_but_not_a_seed(catalog):
    # u4 likes D and rated B 2: B is never recommended, C and A come from D
    movies, users = catalog
    found = recommendations(user=users["u4"], limit=10)
    names = {movie.pk: name for name, movie in movies.items()}
    assert found.source == "personal"
    assert [(names[r.movie_id], [names[s] for s in r.because]) for r in found.rows] == [
        ("C", ["D"]),
        ("A", ["D"]),
    ]


def test_a_new_user_gets_trending_and_is_told_so(catalog, gql):
    # given someone who has liked nothing yet
    newcomer = UserFactory()
    client = bearer_client(newcomer)

    # when they ask
    body = client.get("/api/users/me/recommendations/?limit=3").json()
    data = gql(f"{{ me {{ recommendations(first: 3) {{ {FIELDS} }} }} }}", client=client)
    data = data["data"]["me"]["recommendations"]

    # then the week's trending movies come, said to be trending, without reasons: all
    # of this hour, D scores 5 (a rating, two favorites), A 4 (four ratings) and C 4
    # (two ratings, a favorite), the tie broken by id
    assert body["source"] == "trending"
    assert data["source"] == "TRENDING"
    assert [r["movie"]["title"] for r in body["results"]] == ["D", "A", "C"]
    assert [r["movie"]["title"] for r in data["results"]] == ["D", "A", "C"]
    assert all(r["because"] == [] for r in body["results"])


def test_anonymous_callers_are_refused(api_client, gql, db):
    response = api_client.get("/api/users/me/recommendations/")
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    body = gql(f"{{ me {{ recommendations {{ {FIELDS} }} }} }}")
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_a_bad_limit_names_the_field(catalog):
    _movies, users = catalog
    response = bearer_client(users["me"]).get("/api/users/me/recommendations/?limit=0")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["errors"][0]["field"] == "limit"


def _more_likes(users, count):
    """`count` more movies liked by u1 and u2 (so A gains `count` unseen neighbours)."""
    for _ in range(count):
        movie = MovieFactory()
        for name in ("u1", "u2"):
            Rating.objects.create(user=users[name], movie=movie, value=5)
    call_command("compute_neighbours", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.mark.parametrize("extra", [0, 15])
def test_the_query_count_does_not_grow_with_the_answer(catalog, extra, django_assert_num_queries):
    # given two or seventeen movies to recommend
    _movies, users = catalog
    _more_likes(users, extra)
    client = bearer_client(users["me"])

    # when the caller asks: the token's user, the caller's ratings, list entries and
    # diary movies (one statement), the seeds' neighbours, the movies and their refs
    # (my_state needs none: the movies are unseen)
    with django_assert_num_queries(5):
        body = client.get("/api/users/me/recommendations/?limit=100").json()

    # then every one is there
    assert len(body["results"]) == 2 + extra


def test_a_movie_in_the_diary_is_never_recommended(catalog):
    # given I logged a watch of C (without rating or listing it)
    movies, users = catalog

    DiaryEntry.objects.create(user=users["me"], movie=movies["C"], watched_on="2026-01-02")

    # then only B is left
    found = recommendations(user=users["me"], limit=10)
    assert [(row.movie_id, row.because) for row in found.rows] == [
        (movies["B"].pk, [movies["A"].pk])
    ]


def _touch(user, movie, how):
    if how == "rating":
        Rating.objects.create(user=user, movie=movie, value=2)
    elif how == "diary":
        DiaryEntry.objects.create(user=user, movie=movie, watched_on="2026-01-02")
    else:
        MovieListEntry.objects.create(user=user, movie=movie, kind=how)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("how", ["rating", "watchlist", "watched", "diary"])
def test_the_answer_is_cached_until_the_caller_touches_a_recommended_movie(
    django_assert_num_queries, gql, how
):
    # given the hand-made catalog, outside a transaction (so answers may be stored)
    movies, users = build_catalog()
    client = bearer_client(users["me"])
    first = client.get("/api/users/me/recommendations/").json()
    assert [r["movie"]["title"] for r in first["results"]] == ["C", "B"]

    # when asked again: the token's user only (the answer is stored whole, my_state too)
    with django_assert_num_queries(1):
        assert client.get("/api/users/me/recommendations/").json() == first

    # when I rate C (low), put it on a list or log it: then the next answer, on
    # either door, no longer has it (the stored one, blank my_state and all, is dead)
    # (GraphQL first: the ranking stored under it is dead too, not only REST's answer)
    _touch(users["me"], movies["C"], how)
    data = gql(f"{{ me {{ recommendations {{ {FIELDS} }} }} }}", client=client)
    assert [r["movie"]["title"] for r in data["data"]["me"]["recommendations"]["results"]] == ["B"]
    again = client.get("/api/users/me/recommendations/").json()
    assert [r["movie"]["title"] for r in again["results"]] == ["B"]
    assert again["results"][0]["movie"] == first["results"][1]["movie"]


STATE_FIELDS = "favorite watched watchlist rating watchCount lastWatchedOn"


@pytest.mark.django_db(transaction=True)
def test_a_miss_and_a_hit_read_only_what_they_need_on_both_doors(django_assert_num_queries, gql):
    # given the hand-made catalog, outside a transaction (so answers are stored), with
    # me and u1 signed in
    _movies, users = build_catalog()
    me, u1 = bearer_client(users["me"]), bearer_client(users["u1"])
    path = "/api/users/me/recommendations/"
    movie = f"movie {{ id myState {{ {STATE_FIELDS} }} }}"
    document = f"{{ me {{ recommendations {{ results {{ {movie} }} }} }} }}"

    # when I ask twice: first the token's user, the caller's ratings, list entries and
    # diary movies (one statement), the seeds' neighbours, the movies and their refs;
    # then the token's user only
    with django_assert_num_queries(5):
        miss = me.get(path).json()
    with django_assert_num_queries(1):
        hit = me.get(path).json()

    # when u1 asks GraphQL twice: the token's user, the caller's rows, the neighbours
    # and the movies (no refs selected); then the ranking is stored: the user and the
    # movies
    with django_assert_num_queries(4):
        gql_miss = gql(document, client=u1)["data"]["me"]["recommendations"]["results"]
    with django_assert_num_queries(2):
        gql_hit = gql(document, client=u1)["data"]["me"]["recommendations"]["results"]

    # then the answers are the same either way, and each card's my_state is the blank
    # one, as the caller's state of the movie read from the database
    assert (hit, gql_hit) == (miss, gql_miss)
    blank = {"favorite": False, "watched": False, "watchlist": False, "rating": None}
    for body, user in ((miss["results"], users["me"]), (gql_miss, users["u1"])):
        ids = [int(row["movie"]["id"]) for row in body]
        read = movie_states_for(user=user, movie_ids=ids)
        assert ids and all(
            read[movie_id] == blank | {"watch_count": 0, "last_watched_on": None}
            for movie_id in ids
        )
    assert all(
        row["movie"]["my_state"] == blank | {"watch_count": 0, "last_watched_on": None}
        for row in miss["results"]
    )
    assert all(
        row["movie"]["myState"] == blank | {"watchCount": 0, "lastWatchedOn": None}
        for row in gql_miss
    )


@pytest.mark.django_db(transaction=True)
def test_two_callers_never_share_a_cached_answer_on_either_door(settings, gql):
    # given the hand-made catalog with the cache on, outside a transaction (so answers
    # are stored), and u1, who likes A and B: C = 2/sqrt(12) + 1/sqrt(6) because
    # [A, B], E = 1/2 because [A], D = 1/sqrt(12) because [A]
    settings.RESPONSE_CACHE_ENABLED = True
    movies, users = build_catalog()
    me, u1 = bearer_client(users["me"]), bearer_client(users["u1"])
    a, b, d = movies["A"].pk, movies["B"].pk, movies["D"].pk
    mine = [("C", [a, d]), ("B", [a])]
    theirs = [("C", [a, b]), ("E", [a]), ("D", [a])]
    document = "{ me { recommendations { source results { because movie { title } } } } }"

    def rest(client):
        body = client.get("/api/users/me/recommendations/").json()
        return [(r["movie"]["title"], r["because"]) for r in body["results"]]

    def graphql(client):
        data = gql(document, client=client)["data"]["me"]["recommendations"]
        return [(r["movie"]["title"], [int(i) for i in r["because"]]) for r in data["results"]]

    # when my answer is computed and stored (the second read comes from the cache)
    assert rest(me) == mine
    with CaptureQueriesContext(connection) as stored:
        assert rest(me) == mine
    assert not any("discovery_movieneighbour" in q["sql"] for q in stored.captured_queries)
    assert graphql(me) == mine

    # then u1, on both doors, gets u1's own answer, never mine
    assert rest(u1) == theirs
    assert graphql(u1) == theirs
    # and each of us keeps reading our own stored answer
    assert (rest(me), graphql(me)) == (mine, mine)
    assert (rest(u1), graphql(u1)) == (theirs, theirs)
