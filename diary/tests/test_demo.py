"""The demo user's diary (`load_demo_data`): every watch logged through the diary's
rules, the runtimes known, and a rerun logs nothing."""

import io

import pytest
from django.core.management import call_command

from diary.demo import DEMO_DIARY, DEMO_YEAR
from diary.models import DiaryEntry
from diary.stats import year_in_review
from lists.models import MovieListEntry
from movies.models import Movie, Rating, Review

pytestmark = pytest.mark.django_db


def test_the_demo_user_has_a_diary_that_a_rerun_leaves_alone():
    # when the demo data loads
    out = io.StringIO()
    call_command("load_demo_data", stdout=out)

    # then every demo watch is in the demo user's diary
    entries = DiaryEntry.objects.filter(user__username="demo")
    assert entries.count() == len(DEMO_DIARY)
    assert f"{len(DEMO_DIARY)} diary entries" in out.getvalue()
    # a movie watched again is a rewatch, its first watch is not
    matrix = list(entries.filter(movie__imdb_id="tt0133093").order_by("watched_on"))
    assert [e.rewatch for e in matrix] == [False, True, True]
    # the first watch put each movie on `watched`
    watched = MovieListEntry.objects.filter(user__username="demo", kind="watched")
    assert watched.count() == len({row[0] for row in DEMO_DIARY})
    # the latest watch's rating is the movie's rating, and agrees with the demo reviews
    for review in Review.objects.filter(user__username="demo"):
        rating = Rating.objects.get(user=review.user, movie=review.movie)
        assert rating.value == review.rating and not review.is_edited, review.movie.title
    # and every demo movie has a runtime, so the year's minutes add up
    assert not Movie.objects.filter(runtime__isnull=True).exists()
    review = year_in_review(user=entries[0].user, year=DEMO_YEAR)
    assert review["entries_without_runtime"] == 0
    assert review["entries"] == sum(row[1].startswith(str(DEMO_YEAR)) for row in DEMO_DIARY)

    # when it loads again
    columns = ("id", "movie_id", "watched_on", "rating", "rewatch")
    before = sorted(entries.values_list(*columns))
    out = io.StringIO()
    call_command("load_demo_data", stdout=out)

    # then nothing changed
    assert sorted(entries.values_list(*columns)) == before
    assert "0 diary entries" in out.getvalue()
