"""import_movies fills a movie's runtime (minutes), which the diary's year in review adds
up: from TMDB's `runtime` in JSON Lines and a `runtime` CSV column; 0 or nothing keeps
the stored one, a rerun changes nothing, a bad value rejects its row alone."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from movies.models import Movie
from movies.services.catalog import SITE_OPERATOR, movie_create, movie_update

pytestmark = pytest.mark.django_db


def run(path):
    out = StringIO()
    call_command("import_movies", str(path), stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def test_runtimes_are_imported_kept_when_unknown_and_rerun_unchanged(tmp_path):
    # given a JSON Lines file with runtimes, TMDB's 0 (unknown) and a typo
    path = tmp_path / "movies.jsonl"
    path.write_text(
        '{"id": 603, "title": "The Matrix", "runtime": 136}\n'
        '{"id": 604, "title": "The Matrix Reloaded", "runtime": 0}\n'
        '{"id": 605, "title": "The Matrix Revolutions", "runtime": 12900}\n'
    )

    # when it is imported
    out = run(path)

    # then the runtime is stored, 0 is unknown, the typo rejects its row alone
    assert out == "created 2, updated 0, unchanged 0, rejected 1"
    assert dict(Movie.objects.values_list("tmdb_id", "runtime")) == {603: 136, 604: None}
    # and a rerun changes nothing
    assert run(path) == "created 0, updated 0, unchanged 2, rejected 1"

    # when a later file knows the other runtime and leaves the first one out
    path.write_text(
        '{"id": 603, "title": "The Matrix", "runtime": 0}\n'
        '{"id": 604, "title": "The Matrix Reloaded", "runtime": 138}\n'
    )
    assert run(path) == "created 0, updated 1, unchanged 1, rejected 0"

    # then the known one is kept and the unknown one filled
    assert dict(Movie.objects.values_list("tmdb_id", "runtime")) == {603: 136, 604: 138}


def test_a_runtime_column_in_csv(tmp_path):
    path = tmp_path / "movies.csv"
    path.write_text("tmdb_id,title,runtime\n603,The Matrix,136\n604,Reloaded,\n605,Bad,2h\n")

    assert run(path) == "created 2, updated 0, unchanged 0, rejected 1"
    assert dict(Movie.objects.values_list("tmdb_id", "runtime")) == {603: 136, 604: None}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("long", "A runtime is a whole number of minutes."),
        (0, "A runtime is between 1 and 1000 minutes."),
        (1001, "A runtime is between 1 and 1000 minutes."),
    ],
)
def test_the_catalog_service_names_a_bad_runtime(value, message):
    with pytest.raises(ValidationError) as raised:
        movie_create(user=SITE_OPERATOR, title="Heat", runtime=value)
    assert raised.value.message_dict == {"runtime": [message]}
    assert not Movie.objects.exists()


def test_the_catalog_service_sets_and_clears_a_runtime():
    movie = movie_create(user=SITE_OPERATOR, title="Heat", runtime="170")
    assert Movie.objects.get().runtime == 170
    movie_update(user=SITE_OPERATOR, movie=movie, runtime=None)
    assert Movie.objects.get().runtime is None
