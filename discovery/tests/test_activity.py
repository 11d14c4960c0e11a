"""Trending's counts (movies.MovieActivity) equal a count of the event rows after every
kind of write: the services one row at a time, the set-based writes (rating upserts,
list replacement, the history import), and the cascades (account, user list, movie).
The migration's fill counts an existing database the same way."""

import datetime
import importlib
import io
from collections import Counter
from decimal import Decimal

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command

from diary.models import DiaryEntry
from diary.services import diary_entry_create, diary_entry_delete
from discovery import trending
from imports.services import history_import
from imports.tests.conftest import catalog, upload  # noqa: F401 (a fixture)
from lists.models import MovieListEntry, UserListItem
from lists.services import movie_list_add, movie_list_remove, movie_list_set
from lists.user_list_services import (
    list_item_add,
    list_item_remove,
    user_list_create,
    user_list_delete,
)
from movies import trends
from movies.activity import hour_of
from movies.models import MovieActivity, MovieTrend, Rating, Review, TrendWindow
from movies.services.catalog import movie_delete
from movies.services.ratings import rating_delete, rating_set
from movies.services.reviews import review_create, review_delete
from movies.tests.factories import MovieFactory
from users.services.deletion import user_delete
from users.tests.factories import UserFactory

NOW = datetime.datetime(2026, 3, 10, 12, 30, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)

pytestmark = pytest.mark.django_db


def brute_force_cells() -> dict:
    """Every event row counted one by one into its (movie, hour, kind)."""
    cells: Counter = Counter()
    for movie_id, moment in Rating.objects.values_list("movie_id", "updated_at"):
        cells[(movie_id, hour_of(moment), "rating")] += 1
    for movie_id, moment in Review.objects.values_list("movie_id", "created_at"):
        cells[(movie_id, hour_of(moment), "review")] += 1
    for movie_id, moment, kind in MovieListEntry.objects.values_list(
        "movie_id", "added_at", "kind"
    ):
        cells[(movie_id, hour_of(moment), kind)] += 1
    for movie_id, moment in DiaryEntry.objects.values_list("movie_id", "created_at"):
        cells[(movie_id, hour_of(moment), "diary")] += 1
    for movie_id, moment in UserListItem.objects.values_list("movie_id", "added_at"):
        cells[(movie_id, hour_of(moment), "list")] += 1
    return dict(cells)


def table_cells() -> dict:
    rows = MovieActivity.objects.values_list("movie_id", "hour", "kind", "events")
    assert all(events >= 0 for *_, events in rows)
    return {(movie, hour, kind): events for movie, hour, kind, events in rows if events}


def assert_exact():
    assert table_cells() == brute_force_cells()
    for window in trends.WINDOWS:
        assert_sums_exact(window)


def assert_sums_exact(window, *, settled=True):
    """The decayed sums kept by the writes equal sums made again from the counts (first
    moved to NOW's hour when `settled`: after `rebuild_activity`, which drops them, that
    sums them anew)."""
    if settled:
        trends.settle(window, hour_of(trending.as_of(NOW)) - trends.WINDOWS[window][0])
    state = TrendWindow.objects.get(window=window)
    kept = MovieTrend.objects.filter(window=window).values_list("movie_id", "events", "score")
    assert all(score == 0 for _, events, score in kept if events == 0)
    held = {movie: (events, score) for movie, events, score in kept if events}
    again = {movie: (e, s) for movie, e, s in trends.sums(window, state.low, state.reference)}
    assert {movie: e for movie, (e, _) in held.items()} == {m: e for m, (e, _) in again.items()}
    assert {m: s for m, (_, s) in held.items()} == pytest.approx(
        {m: s for m, (_, s) in again.items()}
    )


@pytest.fixture(autouse=True)
def sums_held():
    """Both windows' sums held as of NOW before any write, so that each write below adds
    to them (a window without sums is summed whole by its first ranking)."""
    for window, (hours, _) in trends.WINDOWS.items():
        trends.settle(window, hour_of(trending.as_of(NOW)) - hours)


def at(hours: float):
    return time_machine.travel(NOW + hours * HOUR, tick=False)


@pytest.fixture
def people():
    return UserFactory(), UserFactory()


@pytest.fixture
def movies():
    return [MovieFactory() for _ in range(3)]


def test_ratings_created_changed_and_deleted(people, movies):
    alice, bob = people
    with at(-5):
        rating_set(user=alice, movie_id=movies[0].pk, value="4")
        rating_set(user=bob, movie_id=movies[0].pk, value="3")
    assert table_cells() == {(movies[0].pk, hour_of(NOW - 5 * HOUR), "rating"): 2}

    # a change of mind three hours later moves alice's event to the new hour
    with at(-2):
        rating_set(user=alice, movie_id=movies[0].pk, value="2.5")
    assert table_cells() == {
        (movies[0].pk, hour_of(NOW - 5 * HOUR), "rating"): 1,
        (movies[0].pk, hour_of(NOW - 2 * HOUR), "rating"): 1,
    }
    with at(0):
        rating_delete(user=bob, movie_id=movies[0].pk)
    assert_exact()
    assert table_cells() == {(movies[0].pk, hour_of(NOW - 2 * HOUR), "rating"): 1}


def test_reviews_created_edited_and_deleted(people, movies):
    alice, _ = people
    with at(-3):
        review = review_create(user=alice, movie_id=movies[1].pk, rating="4", text="Good.")
    assert table_cells() == {
        (movies[1].pk, hour_of(NOW - 3 * HOUR), "rating"): 1,
        (movies[1].pk, hour_of(NOW - 3 * HOUR), "review"): 1,
    }
    with at(0):
        review_delete(review=review, user=alice)
    assert table_cells() == {}
    assert_exact()


def test_list_adds_removes_and_replacement(people, movies):
    alice, _ = people
    with at(-4):
        for kind in ("favorite", "watchlist", "watched"):
            movie_list_add(user=alice, movie_id=movies[0].pk, kind=kind)
        movie_list_add(user=alice, movie_id=movies[1].pk, kind="watched", added_on=NOW.date())
    assert_exact()
    with at(-1):
        movie_list_remove(user=alice, movie_id=movies[0].pk, kind="favorite")
        # the watchlist becomes movies 2 and 1: 0 goes, 2 is new, 1 is new
        movie_list_set(user=alice, kind="watchlist", movie_ids=[movies[2].pk, movies[1].pk])
        # and again with one kept: only the new one counts
        movie_list_set(user=alice, kind="watchlist", movie_ids=[movies[1].pk, movies[0].pk])
    assert_exact()
    assert table_cells()[(movies[0].pk, hour_of(NOW - HOUR), "watchlist")] == 1


def test_diary_entries_and_their_dated_watched_add(people, movies):
    alice, _ = people
    with at(-6):
        first = diary_entry_create(
            user=alice, movie_id=movies[2].pk, watched_on="2026-03-01", rating="4"
        )
    with at(-1):
        diary_entry_create(user=alice, movie_id=movies[2].pk, watched_on="2026-03-09")
    # the first watch put the movie on `watched` dated 2026-03-01, not now
    assert_exact()
    assert (movies[2].pk, hour_of(NOW - 6 * HOUR), "watched") not in table_cells()
    with at(0):
        diary_entry_delete(user=alice, entry_id=first.pk)
    assert_exact()


def test_user_list_items_count_as_list_adds(people, movies):
    alice, _ = people
    with at(-2):
        mine = user_list_create(user=alice, name="Heists")
        for movie in movies:
            list_item_add(user=alice, list_id=mine.pk, movie_id=movie.pk)
        list_item_remove(user=alice, list_id=mine.pk, movie_id=movies[0].pk)
    assert table_cells() == {(m.pk, hour_of(NOW - 2 * HOUR), "list"): 1 for m in movies[1:]}
    with at(0):
        user_list_delete(user=alice, list_id=mine.pk)
    assert table_cells() == {}


def test_the_history_import(people, catalog):  # noqa: F811
    alice, _ = people
    heat = catalog["heat"]
    with at(-30):
        movie_list_add(user=alice, movie_id=heat.pk, kind="watchlist")
        rating_set(user=alice, movie_id=heat.pk, value="2")
    with at(-1):
        for name in ("letterboxd-diary.csv", "imdb-ratings.csv", "letterboxd-watchlist.csv"):
            history_import(user=alice, upload=upload(name))
    # the ratings changed moved to now; new watchlist and watched rows dated as written
    assert Rating.objects.get(user=alice, movie=heat).updated_at == NOW - HOUR
    assert DiaryEntry.objects.filter(user=alice).count() == 4
    assert_exact()
    with at(0):  # a rerun writes nothing new
        history_import(user=alice, upload=upload("letterboxd-diary.csv"))
    assert_exact()


def test_account_and_movie_deletion_cascade(people, movies):
    alice, bob = people
    with at(-3):
        for user in people:
            review_create(user=user, movie_id=movies[0].pk, rating="5", text="!")
            rating_set(user=user, movie_id=movies[1].pk, value="3")
            movie_list_add(user=user, movie_id=movies[1].pk, kind="favorite")
            diary_entry_create(user=user, movie_id=movies[2].pk, watched_on="2026-03-10")
            mine = user_list_create(user=user, name="Mine")
            list_item_add(user=user, list_id=mine.pk, movie_id=movies[2].pk)
    assert table_cells()[(movies[1].pk, hour_of(NOW - 3 * HOUR), "favorite")] == 2

    with at(0):
        user_delete(user=alice)
    assert_exact()
    assert table_cells()[(movies[1].pk, hour_of(NOW - 3 * HOUR), "favorite")] == 1

    with at(0):
        movie_delete(user=UserFactory(is_staff=True), movie=movies[1])
    assert_exact()
    assert not MovieActivity.objects.filter(movie_id=movies[1].pk).exists()
    assert {movie for movie, *_ in table_cells()} == {movies[0].pk, movies[2].pk}
    assert bob.ratings.count() == 1


def test_the_migration_counts_an_existing_database(people, movies):
    # given events written, then a table emptied as before the upgrade
    alice, bob = people
    with at(-8):
        review_create(user=alice, movie_id=movies[0].pk, rating="4", text="!")
        movie_list_add(user=bob, movie_id=movies[1].pk, kind="favorite")
    with at(-2):
        rating_set(user=bob, movie_id=movies[0].pk, value=Decimal("3.5"))
        diary_entry_create(user=bob, movie_id=movies[2].pk, watched_on="2026-03-10")
    expected = table_cells()
    ranked = trending.trending_scores("day", trending.as_of(NOW))
    MovieActivity.objects.all().delete()
    assert table_cells() == {}

    # when the migration's step runs
    migration = importlib.import_module("discovery.migrations.0002_fill_movie_activity")

    class Editor:
        connection = type("Connection", (), {"alias": "default"})

    migration.fill(apps, Editor)

    # then the table, and so the ranking, is what the writes had made it
    assert table_cells() == expected == brute_force_cells()
    again = trending.trending_scores("day", trending.as_of(NOW))
    assert [movie for movie, _ in again] == [movie for movie, _ in ranked]
    assert [score for _, score in again] == pytest.approx([score for _, score in ranked])
    assert [movie for movie, _ in ranked] == [movies[0].pk, movies[2].pk, movies[1].pk]


def test_rebuild_activity_counts_rows_written_outside_django(people, movies):
    # given a rating re-dated by a set-based write that counts nothing (as psql would)
    alice, _ = people
    with at(-1):
        rating_set(user=alice, movie_id=movies[0].pk, value="4")
    Rating.objects.filter(user=alice).update(updated_at=NOW - 3 * HOUR)
    assert table_cells() != brute_force_cells()

    # when the command runs: then the counts are the rows'
    out = io.StringIO()
    call_command("rebuild_activity", stdout=out)
    assert_exact()
    assert table_cells() == {(movies[0].pk, hour_of(NOW - 3 * HOUR), "rating"): 1}
    assert out.getvalue().startswith("1 activity rows written in ")


def test_prune_activity_deletes_old_and_empty_counts_only(people, movies):
    # given counts fifteen days old, at zero (a rating deleted), and of this hour
    alice, bob = people
    with at(-15 * 24):
        rating_set(user=alice, movie_id=movies[0].pk, value="4")
    with at(-1):
        rating_set(user=bob, movie_id=movies[1].pk, value="3")
        rating_delete(user=bob, movie_id=movies[1].pk)
        review_create(user=alice, movie_id=movies[2].pk, rating="5", text="!")
    ranked = trending.current_scores("week", trending.as_of(NOW))

    # when the daily prune runs
    out = io.StringIO()
    with at(0):
        call_command("prune_activity", stdout=out)

    # then only the last hour's review (and the rating it carries) is counted, and the
    # week ranks as before
    assert out.getvalue() == "2 activity rows deleted.\n"
    assert set(MovieActivity.objects.values_list("movie_id", "kind", "events")) == {
        (movies[2].pk, "review", 1),
        (movies[2].pk, "rating", 1),
    }
    assert trending.current_scores("week", trending.as_of(NOW)) == ranked
    assert [movie for movie, _ in ranked] == [movies[2].pk]
