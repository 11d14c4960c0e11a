"""import_movies: the sample files, broken lines, idempotent reruns and dry runs."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from movies.importers import import_file
from movies.models import Actor, Casting, CrewCredit, Genre, Movie
from movies.tests.factories import ActorFactory, GenreFactory, MovieFactory

pytestmark = pytest.mark.django_db
DATA = Path(settings.BASE_DIR) / "data"
SAMPLE_JSONL = DATA / "sample_movies.jsonl"
SAMPLE_CSV = DATA / "sample_movies.csv"


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("import_movies", *map(str, args), stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue().strip()


def write_lines(tmp_path, lines, name="movies.jsonl"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def catalog():
    """Everything an import can write, as comparable values."""
    return {
        "movies": sorted(
            Movie.objects.values_list("tmdb_id", "imdb_id", "title", "plot", "release_date")
        ),
        "genres": sorted(Genre.objects.values_list("name", flat=True)),
        "actors": sorted(Actor.objects.values_list("name", flat=True)),
        "links": sorted(Movie.genres.through.objects.values_list("movie__tmdb_id", "genre__name")),
        "cast": sorted(
            Casting.objects.values_list("movie__tmdb_id", "actor__name", "character", "order")
        ),
    }


def test_sample_jsonl_imports_every_movie_with_genres_and_billed_cast():
    # given
    rows = [json.loads(line) for line in SAMPLE_JSONL.read_text().splitlines() if line]

    # when
    out, err = run(SAMPLE_JSONL)

    # then
    assert out == f"created {len(rows)}, updated 0, unchanged 0, rejected 0"
    assert err == ""
    assert Movie.objects.count() == len(rows) >= 24
    matrix = Movie.objects.get(tmdb_id=603)
    assert (matrix.imdb_id, matrix.title, str(matrix.release_date)) == (
        "tt0133093",
        "The Matrix",
        "1999-03-31",
    )
    assert matrix.plot.startswith("A hacker learns")
    assert sorted(matrix.genres.values_list("name", flat=True)) == ["Action", "Science Fiction"]
    assert list(matrix.castings.values_list("actor__name", "character", "order")) == [
        ("Keanu Reeves", "Neo", 0),
        ("Laurence Fishburne", "Morpheus", 1),
        ("Carrie-Anne Moss", "Trinity", 2),
        ("Hugo Weaving", "Agent Smith", 3),
    ]
    # An actor in several sample movies is one row (found by name, not duplicated).
    assert Actor.objects.filter(name="Leonardo DiCaprio").count() == 1
    assert Movie.objects.filter(actors__name="Leonardo DiCaprio").count() == 2


def test_rerun_is_idempotent():
    # given
    run(SAMPLE_JSONL)
    before = catalog()

    # when
    out, _err = run(SAMPLE_JSONL)

    # then
    assert out == f"created 0, updated 0, unchanged {len(before['movies'])}, rejected 0"
    assert catalog() == before


def test_sample_csv_imports_and_reruns_unchanged():
    # when
    first, _ = run(SAMPLE_CSV)
    second, _ = run(SAMPLE_CSV)

    # then
    assert first == "created 5, updated 0, unchanged 0, rejected 0"
    assert second == "created 0, updated 0, unchanged 5, rejected 0"
    ghostbusters = Movie.objects.get(tmdb_id=620)
    assert list(ghostbusters.castings.values_list("actor__name", "character", "order")) == [
        ("Bill Murray", "Dr. Peter Venkman", 0),
        ("Dan Aykroyd", "Dr. Raymond Stantz", 1),
        ("Sigourney Weaver", "Dana Barrett", 2),
    ]
    assert sorted(ghostbusters.genres.values_list("name", flat=True)) == ["Comedy", "Fantasy"]


def test_existing_genres_and_actors_are_reused_by_name_in_any_case():
    # given
    drama = GenreFactory(name="drama")
    actor = ActorFactory(name="Tim Robbins")

    # when
    run(SAMPLE_JSONL)

    # then
    shawshank = Movie.objects.get(tmdb_id=278)
    assert drama in shawshank.genres.all()
    assert shawshank.castings.get(order=0).actor == actor
    assert Genre.objects.filter(name__iexact="drama").count() == 1


def test_broken_lines_are_reported_with_reasons_and_skipped(tmp_path):
    # given
    MovieFactory(title="Existing", tmdb_id=603, imdb_id="tt0133093")
    path = write_lines(
        tmp_path,
        [
            '{"id": 1, "title": "Good One", "genres": ["Drama"]}',
            "{bad json",
            "",
            "[1, 2]",
            '{"title": "No id"}',
            '{"id": 2, "title": "Bad date", "release_date": "2020-13-01"}',
            '{"id": 3, "title": "Bad imdb", "imdb_id": "nope"}',
            # Valid shape, but the IMDb id belongs to another movie: refused by the service
            # after its new genre and actor were created, which must be rolled back too.
            '{"id": 4, "title": "Clash", "imdb_id": "tt0133093", "genres": ["Brand New"],'
            ' "credits": {"cast": [{"name": "Nobody Else", "character": "X"}]}}',
            '{"id": 99999999999, "title": "Huge id"}',
            '{"id": 5, "title": ""}',
            '{"id": 6, "title": "Bad cast", "credits": {"cast": [{"character": "?"}]}}',
            '{"id": 7, "title": "Good Two", "overview": "Fine."}',
        ],
    )

    # when
    out, err = run(path)

    # then
    assert out == "created 2, updated 0, unchanged 0, rejected 9"
    assert err.splitlines() == [
        "line 2: rejected: invalid JSON: Expecting property name enclosed in double quotes"
        " at column 2",
        "line 4: rejected: a line must hold one JSON object",
        "line 5: rejected: no external id: give `id` (TMDB) or `imdb_id`",
        "line 6: rejected: release_date: '2020-13-01' is not a date (YYYY-MM-DD)",
        "line 7: rejected: imdb_id: IMDb ids look like tt0133093.",
        "line 8: rejected: imdb_id: A movie with this IMDb id already exists.",
        "line 9: rejected: tmdb id: 99999999999 is not a whole number from 1 to 2147483647",
        "line 10: rejected: title: is required",
        "line 11: rejected: credits.cast[0].name: is required",
    ]
    assert sorted(Movie.objects.values_list("title", flat=True)) == [
        "Existing",
        "Good One",
        "Good Two",
    ]
    assert not Genre.objects.filter(name="Brand New").exists()
    assert not Actor.objects.filter(name="Nobody Else").exists()
    assert Movie.objects.get(imdb_id="tt0133093").tmdb_id == 603


def test_broken_csv_rows_are_reported_and_skipped(tmp_path):
    # given
    path = tmp_path / "movies.csv"
    path.write_text(
        "tmdb_id,imdb_id,title,overview,release_date,genres,cast\n"
        "10,,Ten,A plot.,2001-02-03,Drama|Crime,Ann Lee:Judge|Bo Kim:Clerk\n"
        "11,,Too few\n"
        "x,,Bad id,,,,\n"
        "12,,Bad date,,03/04/2001,,\n"
        '13,tt0000013,"Quoted, title","Plot, with comma",,,\n',
        encoding="utf-8",
    )

    # when
    out, err = run(path)

    # then
    assert out == "created 2, updated 0, unchanged 0, rejected 3"
    assert err.splitlines() == [
        "line 3: rejected: expected 7 columns, got 3",
        "line 4: rejected: tmdb id: 'x' is not a whole number from 1 to 2147483647",
        "line 5: rejected: release_date: '03/04/2001' is not a date (YYYY-MM-DD)",
    ]
    ten = Movie.objects.get(tmdb_id=10)
    assert sorted(ten.genres.values_list("name", flat=True)) == ["Crime", "Drama"]
    assert list(ten.castings.values_list("actor__name", "character")) == [
        ("Ann Lee", "Judge"),
        ("Bo Kim", "Clerk"),
    ]
    assert Movie.objects.get(tmdb_id=13).title == "Quoted, title"


def test_changed_rows_update_in_place_and_absent_fields_are_kept(tmp_path):
    # given
    run(SAMPLE_JSONL)
    matrix = Movie.objects.get(tmdb_id=603)
    path = write_lines(
        tmp_path,
        [
            # New plot and a shorter cast; no genres key: genres stay as they were.
            '{"id": 603, "title": "The Matrix", "overview": "New words.",'
            ' "credits": {"cast": [{"name": "Keanu Reeves", "character": "Thomas Anderson"}]}}',
            # Keyed on the IMDb id alone.
            '{"imdb_id": "tt0137523", "title": "Fight Club"}',
        ],
    )

    # when
    out, _ = run(path)

    # then
    assert out == "created 0, updated 1, unchanged 1, rejected 0"
    matrix.refresh_from_db()
    assert matrix.plot == "New words."
    assert str(matrix.release_date) == "1999-03-31"
    assert sorted(matrix.genres.values_list("name", flat=True)) == ["Action", "Science Fiction"]
    assert list(matrix.castings.values_list("actor__name", "character", "order")) == [
        ("Keanu Reeves", "Thomas Anderson", 0)
    ]
    assert Movie.objects.filter(tmdb_id=603).count() == 1


def test_dry_run_writes_nothing_but_reports_what_would_happen(tmp_path):
    # given
    path = write_lines(
        tmp_path,
        [*SAMPLE_JSONL.read_text().splitlines()[:3], '{"id": 1, "title": ""}'],
    )

    # when
    out, err = run(path, "--dry-run")

    # then
    assert out == (
        "dry run, nothing written: would have created 3, updated 0, unchanged 0, rejected 1"
    )
    assert err == "line 4: rejected: title: is required"
    assert catalog() == {"movies": [], "genres": [], "actors": [], "links": [], "cast": []}


def test_format_flag_overrides_the_extension(tmp_path):
    # given
    path = tmp_path / "movies.txt"
    path.write_text("tmdb_id,title\n42,Answer\n", encoding="utf-8")

    # when
    out, _ = run(path, "--format", "csv")

    # then
    assert out == "created 1, updated 0, unchanged 0, rejected 0"
    assert Movie.objects.get(tmdb_id=42).title == "Answer"


def test_invalid_utf8_line_is_rejected_alone(tmp_path):
    # given
    path = tmp_path / "movies.jsonl"
    path.write_bytes(b'{"id": 1, "title": "Caf\xe9"}\n{"id": 2, "title": "Ok"}\n')

    # when
    report = import_file(path)

    # then
    assert report.rejected == [(1, "not valid UTF-8")]
    assert list(Movie.objects.values_list("title", flat=True)) == ["Ok"]


def test_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run(tmp_path / "nope.jsonl")


# --------------------------------------------------------------------------- crew and people

TMDB_CREW = Path(__file__).parent / "data" / "tmdb_crew.jsonl"


def crew_and_people():
    return {
        "crew": list(
            CrewCredit.objects.order_by("movie__tmdb_id", "order").values_list(
                "movie__tmdb_id", "person__name", "job", "department", "order"
            )
        ),
        "people": sorted(
            Actor.objects.values_list("name", "tmdb_id", "known_for_department", "updated_at")
        ),
    }


def test_a_tmdb_file_fills_the_crew_and_people_and_a_rerun_changes_nothing():
    # when: a TMDB-format file with credits.crew is imported
    out, err = run(TMDB_CREW)
    # then: the known jobs, in TMDB's order, each person once per job (the repeated
    # Director line is dropped, the unknown "Best Boy Grip" skipped)
    assert (out, err) == ("created 2, updated 0, unchanged 0, rejected 0", "")
    assert crew_and_people()["crew"] == [
        (603, "Lana Wachowski", "Director", "Directing", 0),
        (603, "Lilly Wachowski", "Director", "Directing", 1),
        (603, "Lana Wachowski", "Screenplay", "Writing", 2),
        (603, "Joel Silver", "Producer", "Production", 3),
        (603, "Don Davis", "Original Music Composer", "Sound", 4),
        (604, "Lana Wachowski", "Director", "Directing", 0),
        (604, "Lilly Wachowski", "Director", "Directing", 1),
        (604, "Keanu Reeves", "Executive Producer", "Production", 2),
    ]
    # and: the people carry TMDB's ids and departments, one row per TMDB id
    assert sorted(Actor.objects.values_list("name", "tmdb_id", "known_for_department")) == [
        ("Don Davis", 2046, "Sound"),
        ("Joel Silver", 1091, "Production"),
        ("Keanu Reeves", 6384, "Acting"),
        ("Lana Wachowski", 9340, "Directing"),
        ("Lilly Wachowski", 9339, "Directing"),
    ]
    before = crew_and_people()
    # when: the same file again
    out, _ = run(TMDB_CREW)
    # then: nothing changed, not even a timestamp
    assert out == "created 0, updated 0, unchanged 2, rejected 0"
    assert crew_and_people() == before


def test_a_person_found_by_name_gets_the_tmdb_id_of_the_credit():
    # given: a person entered by hand, without ids
    ActorFactory(name="Don Davis", tmdb_id=None)
    # when
    run(TMDB_CREW)
    # then: the same row, now with TMDB's id and department
    assert list(
        Actor.objects.filter(name="Don Davis").values_list("tmdb_id", "known_for_department")
    ) == [(2046, "Sound")]
