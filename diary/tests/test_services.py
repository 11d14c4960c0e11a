"""The diary's rules, through its services: defaults, rewatch, the watched list, the
rating of the latest entry, field errors, and what a delete leaves."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from core.errors import NotFound
from diary import services
from diary.errors import DiaryErrorCode
from diary.models import DiaryEntry, DiaryTag
from lists.models import MovieListEntry
from movies.models import Rating
from movies.tests.factories import MovieFactory, ReviewFactory
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def test_a_watch_defaults_to_today_and_puts_the_movie_on_watched_dated_by_it(user):
    # given a movie never watched
    movie = MovieFactory()

    # when a watch is logged without a date, at noon UTC on 3 March 2026
    with time_machine.travel(datetime.datetime(2026, 3, 3, 12, tzinfo=datetime.UTC), tick=False):
        entry = services.diary_entry_create(user=user, movie_id=movie.pk)

    # then it is today's first watch, and the movie is on `watched` from that day
    assert (entry.watched_on, entry.rewatch, entry.rating, entry.liked) == (
        D(2026, 3, 3),
        False,
        None,
        False,
    )
    watched = MovieListEntry.objects.get(user=user, movie=movie, kind="watched")
    assert watched.added_at == datetime.datetime(2026, 3, 3, tzinfo=datetime.UTC)


def test_a_movie_already_on_watched_keeps_its_date(user):
    # given a movie the user put on watched by hand
    movie = MovieFactory()
    listed = MovieListEntry.objects.create(user=user, movie=movie, kind="watched")

    # when an older watch is logged
    services.diary_entry_create(user=user, movie_id=movie.pk, watched_on="2001-01-01")

    # then the list entry is as it was
    assert MovieListEntry.objects.get(pk=listed.pk).added_at == listed.added_at


def test_rewatch_defaults_to_whether_an_earlier_entry_exists(user):
    movie = MovieFactory()
    first = services.diary_entry_create(user=user, movie_id=movie.pk, watched_on="2024-05-01")
    again = services.diary_entry_create(user=user, movie_id=movie.pk, watched_on="2024-06-01")
    # an older watch logged later: nothing earlier exists
    older = services.diary_entry_create(user=user, movie_id=movie.pk, watched_on="2020-01-01")
    stated = services.diary_entry_create(
        user=user, movie_id=movie.pk, watched_on="2019-01-01", rewatch=True
    )
    assert [first.rewatch, again.rewatch, older.rewatch, stated.rewatch] == [
        False,
        True,
        False,
        True,
    ]
    # and only one watched entry, for the first watch logged
    assert MovieListEntry.objects.filter(user=user, kind="watched").count() == 1


def test_the_latest_entry_rating_is_the_movie_rating_an_older_one_is_not(user):
    movie = MovieFactory()
    services.diary_entry_create(user=user, movie_id=movie.pk, watched_on="2024-05-01", rating="4.5")
    assert Rating.objects.get(user=user, movie=movie).value == Decimal("4.5")

    # an older watch with another rating: the movie's rating stays
    services.diary_entry_create(user=user, movie_id=movie.pk, watched_on="2023-05-01", rating=2)
    assert Rating.objects.get(user=user, movie=movie).value == Decimal("4.5")
    movie.refresh_from_db()
    assert (movie.rating_count, movie.average_rating) == (1, Decimal("4.50"))

    # a newer watch rated 3: it is the movie's rating now
    latest = services.diary_entry_create(
        user=user, movie_id=movie.pk, watched_on="2025-01-01", rating=3
    )
    assert Rating.objects.get(user=user, movie=movie).value == Decimal("3.0")

    # changing the latest entry's rating changes it again; unrating it leaves it
    services.diary_entry_update(user=user, entry_id=latest.pk, rating=1.5)
    assert Rating.objects.get(user=user, movie=movie).value == Decimal("1.5")
    services.diary_entry_update(user=user, entry_id=latest.pk, rating=None)
    assert Rating.objects.get(user=user, movie=movie).value == Decimal("1.5")


def test_deleting_the_last_entry_leaves_watched_and_the_rating(user):
    movie = MovieFactory()
    entry = services.diary_entry_create(user=user, movie_id=movie.pk, rating=4)
    services.diary_entry_delete(user=user, entry_id=entry.pk)
    assert not DiaryEntry.objects.exists()
    assert MovieListEntry.objects.filter(user=user, movie=movie, kind="watched").exists()
    assert Rating.objects.get(user=user, movie=movie).value == 4


def test_tags_are_stripped_deduplicated_and_replaced(user):
    movie = MovieFactory()
    entry = services.diary_entry_create(
        user=user, movie_id=movie.pk, tags=[" cinema ", "cinema", "with-friends"]
    )
    assert sorted(DiaryTag.objects.filter(entry=entry).values_list("name", flat=True)) == [
        "cinema",
        "with-friends",
    ]
    services.diary_entry_update(user=user, entry_id=entry.pk, tags=["home"])
    assert list(DiaryTag.objects.filter(entry=entry).values_list("name", flat=True)) == ["home"]


@pytest.mark.parametrize(
    ("values", "field", "message", "code"),
    [
        ({"watched_on": "2999-01-01"}, "watched_on", "A watch cannot be in the future.",
         DiaryErrorCode.WATCHED_IN_FUTURE),
        ({"watched_on": "yesterday"}, "watched_on", "Enter a valid date (YYYY-MM-DD).", "invalid"),
        ({"rating": 3.3}, "rating", "A rating is from 0.5 to 5.0 in steps of 0.5.", "invalid"),
        ({"rating": 6}, "rating", "A rating is from 0.5 to 5.0 in steps of 0.5.", "max_value"),
        ({"tags": "cinema"}, "tags", "Expected a list of tags.", "not_a_list"),
        ({"tags": [str(n) for n in range(21)]}, "tags", "At most 20 tags.",
         DiaryErrorCode.TOO_MANY_TAGS),
        ({"tags": ["x" * 51]}, "tags", "Ensure this field has no more than 50 characters.",
         "max_length"),
        ({"liked": "yes"}, "liked", "Must be true or false.", "invalid"),
        ({"movie_id": 999_999}, "movie_id", "No movie with id 999999.", "does_not_exist"),
    ],
)  # fmt: skip
def test_invalid_values_name_the_field_and_write_nothing(user, values, field, message, code):
    movie = MovieFactory()
    with pytest.raises(ValidationError) as caught:
        services.diary_entry_create(user=user, **{"movie_id": movie.pk, **values})
    problem = caught.value.error_dict[field][0]
    assert (problem.messages[0], problem.code) == (message, code)
    assert not DiaryEntry.objects.exists()
    assert not MovieListEntry.objects.exists()


def test_today_anywhere_on_earth_is_not_the_future(user):
    # at 11:00 UTC on 3 March it is already 4 March in Kiribati (UTC+14), not 5 March
    movie = MovieFactory()
    with time_machine.travel(datetime.datetime(2026, 3, 3, 11, tzinfo=datetime.UTC), tick=False):
        services.diary_entry_create(user=user, movie_id=movie.pk, watched_on="2026-03-04")
        with pytest.raises(ValidationError):
            services.diary_entry_create(user=user, movie_id=movie.pk, watched_on="2026-03-05")


def test_a_review_link_must_be_the_callers_review_of_that_movie(user):
    movie, other = MovieFactory(), MovieFactory()
    mine = ReviewFactory(user=user, movie=movie)
    elsewhere = ReviewFactory(user=user, movie=other)
    theirs = ReviewFactory(user=UserFactory(), movie=movie)
    entry = services.diary_entry_create(user=user, movie_id=movie.pk, review_id=mine.pk)
    assert entry.review_id == mine.pk
    for review in (elsewhere, theirs):
        with pytest.raises(ValidationError) as caught:
            services.diary_entry_create(user=user, movie_id=movie.pk, review_id=review.pk)
        assert caught.value.error_dict["review_id"][0].code == DiaryErrorCode.REVIEW_NOT_OF_MOVIE
    # deleting the review keeps the entry, unlinked
    mine.delete()
    entry.refresh_from_db()
    assert entry.review_id is None


def test_another_users_entry_is_not_found(user):
    entry = services.diary_entry_create(user=UserFactory(), movie_id=MovieFactory().pk)
    for call in (services.diary_entry_get, services.diary_entry_delete):
        with pytest.raises(NotFound, match=f"No diary entry with id {entry.pk}."):
            call(user=user, entry_id=entry.pk)
    assert DiaryEntry.objects.filter(pk=entry.pk).exists()


def test_deleting_the_account_deletes_its_diary(user):
    services.diary_entry_create(user=user, movie_id=MovieFactory().pk, tags=["x"])
    kept = services.diary_entry_create(user=UserFactory(), movie_id=MovieFactory().pk)
    user.delete()
    assert list(DiaryEntry.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not DiaryTag.objects.exists()
