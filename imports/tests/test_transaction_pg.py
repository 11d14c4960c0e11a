"""On PostgreSQL, committed for real: an import is one transaction, and two imports of
the same file at once still create each entry once."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from diary.models import DiaryEntry, DiaryTag
from imports import writes
from imports.services import history_import
from imports.tests.conftest import upload
from lists.models import MovieListEntry
from movies.models import Movie, Rating

pytestmark = [pytest.mark.pg, pytest.mark.django_db(transaction=True)]


def test_a_failure_after_the_first_writes_leaves_nothing(user, catalog, monkeypatch):
    # given: the ratings step, which runs after the entries and `watched` are written, fails
    def broken(**kwargs):
        assert DiaryEntry.objects.filter(user=user).exists()  # the entries were written
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(writes, "ratings_write", broken)

    # when
    with pytest.raises(RuntimeError):
        history_import(user=user, upload=upload("letterboxd-diary.csv"))

    # then: nothing of the import was committed
    assert not DiaryEntry.objects.exists()
    assert not DiaryTag.objects.exists()
    assert not MovieListEntry.objects.exists()
    assert not Rating.objects.exists()


def test_the_import_commits_on_postgresql(user, catalog):
    report = history_import(user=user, upload=upload("letterboxd-diary.csv"))

    assert report.created == 4
    assert DiaryTag.objects.filter(entry__user=user).count() == 3
    tiger = Movie.objects.get(pk=catalog["tiger"].pk)
    assert (tiger.rating_count, tiger.average_rating) == (1, Decimal("4.50"))
    assert history_import(user=user, upload=upload("letterboxd-diary.csv")).created == 0


@pytest.mark.parametrize(
    ("fixture", "model", "count"),
    [("imdb-ratings.csv", Rating, 3), ("letterboxd-diary.csv", DiaryEntry, 4)],
)
def test_two_imports_of_one_file_at_once_write_each_row_once(user, catalog, fixture, model, count):
    reports, errors = [], []
    barrier = threading.Barrier(2)

    def run():
        try:
            barrier.wait(timeout=10)
            reports.append(history_import(user=user, upload=upload(fixture)))
        except Exception as error:  # noqa: BLE001 (any error fails the test below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert model.objects.filter(user=user).count() == count
    assert sorted(r.created for r in reports) == [0, count]
