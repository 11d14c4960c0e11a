"""Trending's decayed sums under concurrency (PostgreSQL, real threads): counts written
while readers move the windows on leave the sums equal to a recount (movies/trends.py,
"Concurrency")."""

import datetime

import pytest

from discovery.tests.test_activity import assert_sums_exact
from movies import activity, trends
from movies.models import TrendWindow
from movies.tests.factories import MovieFactory
from tests.concurrency import run_in_threads

SECONDS_PER_HOUR = 3600
WRITERS = 20
MOVES = 10


def moment(hour: int) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(hour * SECONDS_PER_HOUR, tz=datetime.UTC)


@pytest.mark.pg
@pytest.mark.django_db(transaction=True)
def test_counts_written_while_the_windows_move_keep_the_sums_exact():
    # given four movies with twenty ratings in each of the day window's first six hours,
    # and both windows' sums held from that first hour
    movies = [movie.pk for movie in MovieFactory.create_batch(4)]
    low = activity.hour_of(datetime.datetime(2026, 3, 10, tzinfo=datetime.UTC))
    lows = {"day": low, "week": low - 144}
    for window, start in lows.items():
        trends.settle(window, start)
    activity.count(
        (movie, "rating", moment(low + offset), 20) for movie in movies for offset in range(6)
    )

    def work(index, barrier):
        barrier.wait(timeout=30)
        if index == 0:
            # the reader: both windows move on one hour at a time, three times
            for step in range(1, 4):
                for window, start in lows.items():
                    trends.settle(window, start + step)
            return None
        # a writer: ratings changed from the leaving hours into later ones and back
        for move in range(MOVES):
            movie = movies[(index + move) % len(movies)]
            old, new = low + (index + move) % 6, low + (index + 2 * move) % 6
            activity.moved(movie, "rating", moment(old), moment(new))
        return None

    # when twenty writers and a reader run at once
    results = run_in_threads(WRITERS + 1, work)

    # then nothing failed, the windows moved three hours, and every sum is a recount's
    assert [r for r in results if isinstance(r, Exception)] == []
    assert {w.window: w.low for w in TrendWindow.objects.all()} == {
        window: start + 3 for window, start in lows.items()
    }
    for window in lows:
        assert_sums_exact(window, settled=False)
