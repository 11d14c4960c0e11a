"""Reading each service's file (committed fixtures shaped like the real exports)."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from imports.formats import Format, Target, TooManyRows, parse

FIXTURES = Path(__file__).parent / "fixtures"


def read(name: str, max_rows: int = 1000):
    return parse((FIXTURES / name).read_bytes(), max_rows=max_rows)


def test_letterboxd_diary_with_bom_crlf_quoted_commas_tags_and_rewatch():
    # when
    parsed = read("letterboxd-diary.csv")

    # then
    assert parsed.format is Format.LETTERBOXD_DIARY and parsed.target is Target.DIARY
    first, heat, rewatch, ugly, nobody = parsed.rows
    assert (first.line, first.title, first.year) == (2, "Crouching Tiger, Hidden Dragon", 2000)
    # Watched Date, not the logging Date
    assert first.watched_on == date(2024, 1, 2)
    assert first.rating == Decimal("4.5") and first.tags == ["cinema", "35mm"]
    assert heat.rating == Decimal("5.0") and heat.rewatch is False
    assert (rewatch.rating, rewatch.rewatch, rewatch.tags) == (None, True, ["rewatch"])
    assert ugly.title == "The Good, the Bad and the Ugly"
    assert nobody.title == "A Movie Nobody Catalogued"
    [problem] = parsed.problems
    assert problem.as_dict() == {
        "line": 7,
        "title": "Heat",
        "year": 1995,
        "reason": "Watched Date: '03/10/2024' is not a date (YYYY-MM-DD).",
    }


def test_letterboxd_ratings_refuse_an_empty_or_out_of_range_rating():
    parsed = read("letterboxd-ratings.csv")

    assert parsed.format is Format.LETTERBOXD_RATINGS and parsed.target is Target.RATING
    assert [(r.title, r.rating) for r in parsed.rows] == [
        ("Crouching Tiger, Hidden Dragon", Decimal("4.5")),
        ("heat", Decimal("5.0")),
        ("A Movie Nobody Catalogued", Decimal("3.0")),
    ]
    assert [(p.line, p.reason) for p in parsed.problems] == [
        (4, "Rating: is empty."),
        (6, "Rating: '7' is not a rating. A rating is from 0.5 to 5.0 in steps of 0.5."),
    ]


def test_letterboxd_watchlist():
    parsed = read("letterboxd-watchlist.csv")

    assert parsed.format is Format.LETTERBOXD_WATCHLIST and parsed.target is Target.WATCHLIST
    assert [r.title for r in parsed.rows] == [
        "Crouching Tiger, Hidden Dragon",
        "The Good, the Bad and the Ugly",
        "A Movie Nobody Catalogued",
    ]
    assert [(p.line, p.year, p.reason) for p in parsed.problems] == [(5, 1999, "Name: is empty.")]


def test_imdb_ratings_halve_the_score_and_skip_what_is_not_a_movie():
    parsed = read("imdb-ratings.csv")

    assert parsed.format is Format.IMDB_RATINGS and parsed.target is Target.RATING
    assert [(r.imdb_id, r.title, r.year, r.rating) for r in parsed.rows] == [
        ("tt0190332", "Crouching Tiger, Hidden Dragon", 2000, Decimal("4.5")),
        ("tt0113277", "Heat", 1995, Decimal("5")),
        ("tt9999999", "The Good, the Bad and the Ugly", 1966, Decimal("3.5")),
    ]
    assert [(p.line, p.title, p.reason) for p in parsed.problems] == [
        (5, "Breaking Bad", "Title Type: TV Series is not a movie."),
        (6, "Carmencita", "Your Rating: is empty."),
        (7, "A Movie Nobody Catalogued", "Your Rating: '12' is not a whole number from 1 to 10."),
    ]


def test_trakt_history_takes_the_utc_day_and_reports_episodes_and_bad_times():
    parsed = read("trakt-history.json")

    assert parsed.format is Format.TRAKT_HISTORY and parsed.target is Target.DIARY
    assert [(r.line, r.title, r.imdb_id, r.tmdb_id, r.watched_on) for r in parsed.rows] == [
        (1, "Crouching Tiger, Hidden Dragon", "tt0190332", 146, date(2024, 1, 2)),
        (2, "Heat", None, 949, date(2024, 2, 10)),
        (3, "Heat", "tt0113277", 949, date(2024, 3, 1)),
        (6, "A Movie Nobody Catalogued", "tt1234567", 555555, date(2024, 3, 8)),
    ]
    assert [(p.line, p.title, p.reason) for p in parsed.problems] == [
        (4, "", "type: 'episode' is not a movie."),
        (
            5,
            "The Good, the Bad and the Ugly",
            "watched_at: 'yesterday' is not a date and time (ISO 8601).",
        ),
    ]


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"title,year\nHeat,1995\n",
        b'{"watched_at": "2024-01-01T00:00:00Z"}',
        b'[{"title": "Heat"}]',
        b"[not json",
    ],
)
def test_an_unknown_shape_is_refused_on_the_file_field(content):
    with pytest.raises(ValidationError) as caught:
        parse(content, max_rows=10)

    assert caught.value.message_dict == {
        "file": [
            "This file is not one the import reads: send Letterboxd's diary.csv, ratings.csv "
            "or watchlist.csv, IMDb's ratings.csv, or Trakt's history JSON."
        ]
    }


@pytest.mark.parametrize("title", [b"Am\xe9lie", b"Am\x00lie"])
def test_text_that_is_not_utf8_is_refused(title):
    with pytest.raises(ValidationError) as caught:
        parse(b"Date,Name,Year,Letterboxd URI\n2024-01-01," + title + b",2001,x\n", max_rows=10)

    assert caught.value.message_dict == {"file": ["The file is not UTF-8 text."]}


def test_more_rows_than_the_limit_stop_the_read():
    with pytest.raises(TooManyRows):
        read("letterboxd-watchlist.csv", max_rows=3)
    assert len(read("letterboxd-watchlist.csv", max_rows=4).rows) == 3


def test_a_broken_quote_is_a_reported_row_not_an_error():
    content = b'Date,Name,Year,Letterboxd URI\n2024-01-01,Heat,1995,x\n2024-01-02,"Ronin,1998,x\n'

    parsed = parse(content, max_rows=10)

    assert [r.title for r in parsed.rows] == ["Heat"]
    assert parsed.problems[0].line == 3 and "not valid CSV" in parsed.problems[0].reason


def test_a_row_with_too_few_cells_is_reported():
    parsed = parse(b"Date,Name,Year,Letterboxd URI,Rating\n2024-01-01,Heat\n", max_rows=10)

    assert parsed.rows == []
    assert parsed.problems[0].reason == "The row has 2 cells; the header has 5."


def test_a_watch_in_the_future_is_reported():
    content = (
        b"Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n"
        b"2024-01-01,Heat,1995,x,,,,2999-01-01\n"
    )

    parsed = parse(content, max_rows=10)

    assert parsed.rows == []
    assert parsed.problems[0].reason == "Watched Date: 2999-01-01. A watch cannot be in the future."
