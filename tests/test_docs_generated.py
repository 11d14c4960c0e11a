"""The generated parts of the docs agree with the code (scripts/docs/generate.py).

- every error code the code can answer has a meaning written, and none is left over;
- every generated block of docs/ is what the generator writes now (error table,
  figures, the variable reference);
- every variable the settings read is listed in its project's .env.example.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from scripts.docs import error_codes, variables
from scripts.docs.generate import REPO


def test_every_error_code_in_the_code_has_a_meaning_and_none_is_stale():
    # given the codes read from the source / then each has exactly one meaning
    assert error_codes.missing_meanings() == []
    assert error_codes.unused_meanings() == []


def test_the_error_table_names_the_codes_the_issue_found_missing():
    # given the generated table / then codes that once appeared only in running text
    # are rows of it
    codes = error_codes.all_codes()
    assert {"storage_unavailable", "bad_host", "too_many_files", "token_expired"} <= codes


@pytest.mark.slow  # two child processes, each setting Django up
def test_every_generated_block_of_the_docs_is_current():
    # when the generator checks every page in a clean process (its figures come from
    # the shipped defaults, not this test run's settings)
    done = subprocess.run(
        [sys.executable, "-m", "scripts.docs.generate", "--check"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    # then nothing is stale
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_variable_the_settings_read_is_in_env_example():
    assert variables.missing_from_examples() == []


def test_the_variable_reference_lists_every_variable_the_settings_read():
    page = (REPO / "docs" / "operate" / "variables.md").read_text()
    for _title, found, _examples in variables.groups():
        for name in found:
            assert f"| `{name}` |" in page, f"{name} is missing from docs/operate/variables.md"


def test_the_reader_finds_variables_in_all_of_django_environs_forms(tmp_path, monkeypatch):
    # given a settings module reading variables every way the projects do
    source = tmp_path / "settings.py"
    source.write_text(
        "import os\n"
        "A = env('PLAIN', default='x')\n"
        "B = env.int('NUMBER', default=3)\n"
        "C = env.db('DB_URL', default='sqlite://')\n"
        "D = os.environ.get('RAW', 'y')\n"
        "E = os.environ['SUBSCRIPT']\n"
        "F = _int('GUNICORN_STYLE', 2)\n"
    )
    monkeypatch.setattr(variables, "REPO", tmp_path)
    # when it is read
    found = variables.read_variables(("settings.py",))
    # then every one is found, with its type and default
    assert {name: (v.kind, v.default) for name, v in found.items()} == {
        "PLAIN": ("str", "'x'"),
        "NUMBER": ("int", "3"),
        "DB_URL": ("database URL", "'sqlite://'"),
        "RAW": ("str", "'y'"),
        "SUBSCRIPT": ("str", ""),
        "GUNICORN_STYLE": ("int", "2"),
    }
