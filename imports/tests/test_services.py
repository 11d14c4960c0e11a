"""Importing each service's file into an account: what is written, what is reported,
and that a rerun creates nothing."""

import datetime
from decimal import Decimal

from diary.models import DiaryEntry
from imports.services import history_import
from imports.tests.conftest import upload
from lists.models import MovieListEntry
from movies.models import Movie, Rating
from movies.tests.factories import ReviewFactory

NOT_FOUND = "No movie in the catalog has this IMDb id, TMDB id, or title and year."


def diary_of(user) -> list[tuple]:
    return [
        (e.movie.title, e.watched_on, e.rating, e.rewatch, sorted(t.name for t in e.tags.all()))
        for e in DiaryEntry.objects.of(user).select_related("movie").order_by("watched_on", "id")
    ]


def test_letterboxd_diary_imports_once(user, catalog):
    # when
    report = history_import(user=user, upload=upload("letterboxd-diary.csv"))

    # then
    assert report.as_dict() == {
        "format": "letterboxd-diary",
        "created": 4,
        "updated": 0,
        "unchanged": 0,
        "unmatched": [
            {"line": 6, "title": "A Movie Nobody Catalogued", "year": 2019, "reason": NOT_FOUND},
            {
                "line": 7,
                "title": "Heat",
                "year": 1995,
                "reason": "Watched Date: '03/10/2024' is not a date (YYYY-MM-DD).",
            },
        ],
        "dry_run": False,
    }
    assert diary_of(user) == [
        (
            "Crouching Tiger, Hidden Dragon",
            datetime.date(2024, 1, 2),
            Decimal("4.5"),
            False,
            ["35mm", "cinema"],
        ),
        ("Heat", datetime.date(2024, 2, 10), Decimal("5.0"), False, []),
        ("Heat", datetime.date(2024, 3, 1), None, True, ["rewatch"]),
        ("The Good, the Bad and the Ugly", datetime.date(2024, 3, 4), Decimal("3.5"), False, []),
    ]
    # The year told the two "Heat"s apart; the first watches put the movies on `watched`,
    # dated by the watch.
    watched = MovieListEntry.objects.of(user, "watched").order_by("added_at")
    assert [(e.movie_id, e.added_at.date()) for e in watched] == [
        (catalog["tiger"].pk, datetime.date(2024, 1, 2)),
        (catalog["heat"].pk, datetime.date(2024, 2, 10)),
        (catalog["ugly"].pk, datetime.date(2024, 3, 4)),
    ]
    # The latest entry's rating is the caller's rating: Heat's latest watch has none.
    assert dict(Rating.objects.filter(user=user).values_list("movie_id", "value")) == {
        catalog["tiger"].pk: Decimal("4.5"),
        catalog["ugly"].pk: Decimal("3.5"),
    }
    assert Movie.objects.get(pk=catalog["tiger"].pk).rating_count == 1

    # when: the same file again
    again = history_import(user=user, upload=upload("letterboxd-diary.csv"))

    # then: nothing created, nothing changed
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert DiaryEntry.objects.of(user).count() == 4


def test_a_changed_row_updates_its_entry_by_movie_and_date(user, catalog):
    history_import(user=user, upload=upload("letterboxd-diary.csv"))
    content = (
        b"Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n"
        b"2024-02-11,Heat,1995,https://boxd.it/1Nk8,4,,night,2024-02-10\n"
    )

    report = history_import(user=user, upload=upload("diary.csv", content))

    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    heat = DiaryEntry.objects.get(user=user, movie=catalog["heat"], watched_on="2024-02-10")
    assert (heat.rating, [t.name for t in heat.tags.all()]) == (Decimal("4.0"), ["night"])
    # An older watch's rating stays in the diary: the rating follows the latest entry only.
    assert not Rating.objects.filter(user=user, movie=catalog["heat"]).exists()


def test_a_dry_run_reports_the_same_and_writes_nothing(user, catalog):
    report = history_import(user=user, upload=upload("letterboxd-diary.csv"), dry_run=True)

    assert (report.created, report.updated, report.unchanged, report.dry_run) == (4, 0, 0, True)
    assert len(report.unmatched) == 2
    assert not DiaryEntry.objects.exists()
    assert not MovieListEntry.objects.exists()
    assert not Rating.objects.exists()


def test_trakt_history_finds_movies_by_id_and_days_rewatches(user, catalog):
    report = history_import(user=user, upload=upload("trakt-history.json"))

    assert (report.format, report.created, report.unchanged) == ("trakt-history", 3, 0)
    assert [(p["line"], p["reason"]) for p in report.as_dict()["unmatched"]] == [
        (4, "type: 'episode' is not a movie."),
        (5, "watched_at: 'yesterday' is not a date and time (ISO 8601)."),
        (6, NOT_FOUND),
    ]
    assert diary_of(user) == [
        ("Crouching Tiger, Hidden Dragon", datetime.date(2024, 1, 2), None, False, []),
        ("Heat", datetime.date(2024, 2, 10), None, False, []),
        # Trakt does not say: a rewatch because an earlier entry of the movie exists.
        ("Heat", datetime.date(2024, 3, 1), None, True, []),
    ]
    assert history_import(user=user, upload=upload("trakt-history.json")).created == 0


def test_imdb_ratings_set_ratings_and_the_reviews_that_hold_them(user, catalog):
    review = ReviewFactory(user=user, movie=catalog["heat"], rating=Decimal("2.0"))

    report = history_import(user=user, upload=upload("imdb-ratings.csv"))

    # The IMDb id tt9999999 is unknown, but the title and year find the movie.
    assert (report.format, report.created, report.updated, report.unchanged) == (
        "imdb-ratings",
        2,
        1,
        0,
    )
    assert [p.line for p in report.unmatched] == [5, 6, 7]
    assert dict(Rating.objects.filter(user=user).values_list("movie_id", "value")) == {
        catalog["tiger"].pk: Decimal("4.5"),
        catalog["heat"].pk: Decimal("5.0"),
        catalog["ugly"].pk: Decimal("3.5"),
    }
    review.refresh_from_db()
    assert review.rating == Decimal("5.0")
    heat = Movie.objects.get(pk=catalog["heat"].pk)
    assert (heat.rating_count, heat.average_rating) == (1, Decimal("5.00"))

    again = history_import(user=user, upload=upload("imdb-ratings.csv"))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_letterboxd_ratings_match_titles_case_insensitively(user, catalog):
    report = history_import(user=user, upload=upload("letterboxd-ratings.csv"))

    assert (report.created, report.unchanged) == (2, 0)
    assert Rating.objects.get(user=user, movie=catalog["heat"]).value == Decimal("5.0")


def test_letterboxd_watchlist_adds_after_the_last_entry(user, catalog):
    MovieListEntry.objects.create(user=user, movie=catalog["heat"], kind="watchlist", position=0)

    report = history_import(user=user, upload=upload("letterboxd-watchlist.csv"))

    assert (report.format, report.created, report.unchanged) == ("letterboxd-watchlist", 2, 0)
    entries = MovieListEntry.objects.of(user, "watchlist").in_list_order()
    assert [e.movie_id for e in entries] == [
        catalog["heat"].pk,
        catalog["tiger"].pk,
        catalog["ugly"].pk,
    ]
    assert history_import(user=user, upload=upload("letterboxd-watchlist.csv")).unchanged == 2


def test_a_title_shared_by_two_movies_without_a_year_is_reported(user, catalog):
    content = b"Date,Name,Year,Letterboxd URI\n2024-01-01,HEAT,,x\n2024-01-01,Heat,1986,y\n"

    report = history_import(user=user, upload=upload("watchlist.csv", content))

    assert report.created == 1
    assert report.as_dict()["unmatched"] == [
        {
            "line": 2,
            "title": "HEAT",
            "year": None,
            "reason": "2 movies in the catalog have this title; the row needs an IMDb or TMDB id.",
        }
    ]


def test_the_same_key_twice_in_a_file_is_reported_once(user, catalog):
    content = (
        b"Date,Name,Year,Letterboxd URI,Rating\n"
        b"2024-01-01,Heat,1995,x,4\n2024-01-02,Heat,1995,x,5\n"
    )

    report = history_import(user=user, upload=upload("ratings.csv", content))

    assert report.created == 1
    assert [(p.line, p.reason) for p in report.unmatched] == [(3, "The same movie as line 2.")]


def test_matching_costs_the_same_queries_for_ten_rows_or_a_thousand(
    user, catalog, django_assert_max_num_queries
):
    def rows(n):
        lines = [f"2024-01-01,Unknown {i},2001,x" for i in range(n)]
        return ("Date,Name,Year,Letterboxd URI\n" + "\n".join(lines)).encode()

    for n in (10, 400):
        # the title lookup, the watchlist, a savepoint pair: not one per row
        with django_assert_max_num_queries(5):
            report = history_import(user=user, upload=upload("watchlist.csv", rows(n)))
        assert len(report.unmatched) == n
