"""Trending: the ranking equals a brute-force count of every event (movies on users'
own lists included), on both doors; a bad window is a field error; the ranking is
cached until a source is written. Every write path's counts: test_activity.py."""

import datetime
import io
import random
from http import HTTPStatus

import pytest
import time_machine
from django.core.management import call_command

from diary.models import DiaryEntry
from discovery import trending
from lists.models import MovieListEntry, UserList
from lists.user_list_services import list_item_add, user_list_create
from movies import trends
from movies.activity import hour_of
from movies.models import Rating, Review, TrendWindow
from movies.services.ratings import rating_delete, rating_set
from movies.tests.factories import MovieFactory
from users.tests.factories import UserFactory

NOW = datetime.datetime(2026, 3, 10, 12, 30, tzinfo=datetime.UTC)
T = datetime.datetime(2026, 3, 10, 13, 0, tzinfo=datetime.UTC)
KINDS = ("rating", "review", "favorite", "watchlist", "watched", "diary", "list")


def _write(user, movie, kind, moment):
    """One event of `kind`, written now (the caller travels to its moment)."""
    if kind == "rating":
        Rating.objects.create(user=user, movie=movie, value=4)
    elif kind == "review":
        Review.objects.create(user=user, movie=movie, rating=4, text="!")
    elif kind == "diary":
        DiaryEntry.objects.create(user=user, movie=movie, watched_on=moment.date())
    elif kind == "list":
        mine = UserList.objects.filter(owner=user).first() or user_list_create(
            user=user, name="Mine"
        )
        list_item_add(user=user, list_id=mine.pk, movie_id=movie.pk)
    else:
        MovieListEntry.objects.create(user=user, movie=movie, kind=kind)


def make_events(seed=7, count=160):
    """Random events over the last ten days (older than the week too), as they are
    written by the apps; returns (movie id, kind, moment) for each one."""
    rng = random.Random(seed)
    users = [UserFactory() for _ in range(8)]
    movies = [MovieFactory() for _ in range(6)]
    taken = set()
    events = []
    while len(events) < count:
        user, movie, kind = rng.choice(users), rng.choice(movies), rng.choice(KINDS)
        moment = NOW - datetime.timedelta(seconds=rng.randrange(10 * 24 * 3600))
        key = (user.pk, movie.pk, "diary" if kind == "diary" else kind)
        if kind != "diary" and key in taken:
            continue
        taken.add(key)
        with time_machine.travel(moment, tick=False):
            _write(user, movie, kind, moment)
        events.append((movie.pk, kind, moment))
    return events


def brute_force(events, window):
    """The documented formula applied to each event, one at a time."""
    hours, half_life = trending.WINDOWS[window]
    scores = {}
    for movie_id, kind, moment in events:
        hour = moment.replace(minute=0, second=0, microsecond=0)
        age = (T - hour).total_seconds() / 3600
        if age <= hours:
            weight = trending.WEIGHTS[kind]
            scores[movie_id] = scores.get(movie_id, 0.0) + weight * 0.5 ** (age / half_life)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


@pytest.mark.django_db
@pytest.mark.parametrize("window", ["day", "week"])
def test_ranking_equals_brute_force(window):
    # given a hundred and sixty events of every kind, some outside the window
    events = make_events()

    # when the ranking is computed as of the next hour
    ranked = trending.trending_scores(window, T)

    # then it lists the same movies in the same order with the same scores
    expected = brute_force(events, window)
    assert [movie for movie, _ in ranked] == [movie for movie, _ in expected]
    assert [score for _, score in ranked] == pytest.approx([score for _, score in expected])
    assert trending.as_of(NOW) == T


@pytest.mark.django_db
def test_rest_and_graphql_show_the_brute_force_ranking(api_client, gql):
    # given the events
    events = make_events(seed=11, count=80)
    expected = brute_force(events, "week")

    # when both doors are asked at NOW
    with time_machine.travel(NOW, tick=False):
        body = api_client.get("/api/movies/trending/?window=week&limit=100").json()
        data = gql(
            '{ trendingMovies(window: "week", first: 100) { window asOf results '
            "{ score movie { id title } } } }"
        )["data"]["trendingMovies"]

    # then both list the brute-force ranking, as of the next hour
    assert body["window"] == data["window"] == "week"
    assert body["as_of"] == "2026-03-10T13:00:00Z"
    assert data["asOf"] == "2026-03-10T13:00:00+00:00"
    assert [row["movie"]["id"] for row in body["results"]] == [m for m, _ in expected]
    assert [int(row["movie"]["id"]) for row in data["results"]] == [m for m, _ in expected]
    assert [row["score"] for row in body["results"]] == [round(s, 6) for _, s in expected]
    assert [row["score"] for row in data["results"]] == [round(s, 6) for _, s in expected]


@pytest.mark.django_db
def test_old_activity_does_not_trend(api_client):
    # given a movie rated eight days ago only
    movie = MovieFactory()
    with time_machine.travel(NOW - datetime.timedelta(days=8), tick=False):
        Rating.objects.create(user=UserFactory(), movie=movie, value=5)

    # when the week's trending movies are asked for
    with time_machine.travel(NOW, tick=False):
        body = api_client.get("/api/movies/trending/?window=week").json()

    # then it is not among them
    assert body["results"] == []


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["month", "DAYS", "1"])
def test_a_bad_window_names_the_field(api_client, gql, value):
    response = api_client.get(f"/api/movies/trending/?window={value}")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["errors"][0]["field"] == "window"
    assert response.json()["errors"][0]["message"] == trending.WINDOW_MESSAGE

    body = gql(f'{{ trendingMovies(window: "{value}") {{ window }} }}')
    entry = body["errors"][0]["extensions"]["errors"][0]
    assert (entry["field"], entry["message"]) == ("window", trending.WINDOW_MESSAGE)


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["0", "101", "many"])
def test_a_bad_limit_names_the_field(api_client, value):
    response = api_client.get(f"/api/movies/trending/?limit={value}")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["errors"][0]["field"] == "limit"


@pytest.mark.django_db(transaction=True)
def test_the_ranking_is_cached_until_a_source_is_written(django_assert_num_queries):
    # given a ranking computed once (outside a transaction, so it may be stored)
    first, second = MovieFactory(), MovieFactory()
    user = UserFactory()
    with time_machine.travel(NOW, tick=False):
        Rating.objects.create(user=user, movie=first, value=5)
        assert [m for m, _ in trending.trending(window="day")] == [first.pk]

        # when it is asked again: then no query runs
        with django_assert_num_queries(0):
            assert [m for m, _ in trending.trending(window="day")] == [first.pk]

        # when a favorite and a diary entry make the second movie the busier one
        MovieListEntry.objects.create(user=user, movie=second, kind="favorite")
        DiaryEntry.objects.create(user=user, movie=second, watched_on=NOW.date())

        # then the next read sees them at once (two queries: which hours the window's
        # sums hold, the current ones, and its best sums)
        with django_assert_num_queries(2):
            assert [m for m, _ in trending.trending(window="day")] == [second.pk, first.pk]

    # and the next hour starts a new ranking, whose ages are one hour older
    with time_machine.travel(NOW + datetime.timedelta(hours=1), tick=False):
        ranked = trending.trending(window="day")
    assert ranked[0][1] == pytest.approx(3 * 0.5 ** (2 / 6))


@pytest.mark.django_db(transaction=True)
def test_the_rest_answer_is_cached_whole_and_graphql_is_never_stored_stale(
    api_client, gql, django_assert_num_queries
):
    # given a rated movie, and the REST answer computed once
    movie = MovieFactory()
    with time_machine.travel(NOW, tick=False):
        Rating.objects.create(user=UserFactory(), movie=movie, value=5)
        first = api_client.get("/api/movies/trending/").json()

        # when it is asked again within the hour: then it comes from the cache
        with django_assert_num_queries(0):
            assert api_client.get("/api/movies/trending/").json() == first

        # and an anonymous GraphQL answer is computed, not stored by the response cache
        query = "{ trendingMovies { asOf results { score movie { title } } } }"
        gql(query)
        response = api_client.post("/graphql/", {"query": query}, format="json")
        assert response.get("X-Cache") != "HIT"

    # when the hour has passed: then both doors count the ages to the next hour
    with time_machine.travel(NOW + datetime.timedelta(hours=1), tick=False):
        later = api_client.get("/api/movies/trending/").json()
        data = gql(query)["data"]["trendingMovies"]
    assert later["as_of"] == "2026-03-10T14:00:00Z"
    assert later["results"][0]["score"] == round(0.5 ** (2 / 6), 6)
    assert data["results"][0]["score"] == round(0.5 ** (2 / 6), 6)


def test_every_kind_of_event_counted_has_a_weight():
    # The ranking gives a kind without a weight 0 (its SQL CASE's default): a new source
    # of events in movies/activity.py would count, then silently weigh nothing.
    from movies.activity import SOURCES

    kinds = {source.kind for source in SOURCES if source.kind}
    kinds |= {kind.value for kind in MovieListEntry.Kind}  # the list entries' own kinds
    assert kinds == set(trending.WEIGHTS) == set(KINDS)


@pytest.mark.django_db
def test_the_sums_moved_hour_by_hour_equal_the_ranking_recounted(monkeypatch):
    # given upserts of two rows at most (so that the batches are exercised too)
    monkeypatch.setattr(trends, "BATCH", 2)
    # and a catalog whose ranking was read once, so that both windows hold sums
    rng = random.Random(5)
    users = [UserFactory() for _ in range(6)]
    movies = [MovieFactory() for _ in range(8)]
    for window in trending.WINDOWS:
        trending.current_scores(window, T)
    references = {w.window: w.reference for w in TrendWindow.objects.all()}

    def check(end):
        for window in trending.WINDOWS:
            kept = trending.current_scores(window, end)
            again = trending.trending_scores(window, end)
            assert [m for m, _ in kept] == [m for m, _ in again], (window, end)
            assert [s for _, s in kept] == pytest.approx([s for _, s in again])

    # when, for thirty hours, each hour brings new ratings, changes and deletions, and
    # every hour's ranking is read after them (the day's window moves past its start)
    for step in range(30):
        moment = NOW + datetime.timedelta(hours=step)
        with time_machine.travel(moment, tick=False):
            for _ in range(rng.randrange(1, 5)):
                user, movie = rng.choice(users), rng.choice(movies)
                rating_set(user=user, movie_id=movie.pk, value=str(rng.choice([2, 3, 4, 5])))
            if step % 4 == 3:
                gone = rng.choice(list(Rating.objects.order_by("pk")))
                rating_delete(user=gone.user, movie_id=gone.movie_id)
            if step % 5 == 0:
                Review.objects.get_or_create(
                    user=rng.choice(users), movie=rng.choice(movies), rating=4, text="!"
                )
            check(trending.as_of(moment))

    # then the week's sums were only moved, never summed again from the counts
    assert TrendWindow.objects.get(window="week").reference == references["week"]
    assert TrendWindow.objects.get(window="day").reference == references["day"]

    # and moving the week 150 hours on and back again (most of its events leave and come
    # back, in batches) only moves its sums, to the recount
    check(T + datetime.timedelta(hours=29 + 150))
    check(T + datetime.timedelta(hours=29))
    assert TrendWindow.objects.get(window="week").reference == references["week"]

    # and a clock moved back, or on by more than a window, still gives the recount
    check(T + datetime.timedelta(hours=3))
    check(T + datetime.timedelta(days=9))
    assert TrendWindow.objects.get(window="week").reference != references["week"]


@pytest.mark.django_db
def test_settle_trending_moves_both_windows_to_the_hour_that_has_begun():
    # given a rating read into both windows' sums an hour ago
    with time_machine.travel(NOW - datetime.timedelta(hours=1), tick=False):
        Rating.objects.create(user=UserFactory(), movie=MovieFactory(), value=4)
        trending.settle_windows()

    # when the hourly command runs at the start of the next hour
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("settle_trending", stdout=out)

    # then each window holds the hours of NOW's ranking, which reads no other table
    last = hour_of(T)
    lows = {"day": last - 24, "week": last - 168}
    assert {w.window: w.low for w in TrendWindow.objects.all()} == lows
    assert out.getvalue() == f"day from hour {lows['day']}, week from hour {lows['week']}\n"
