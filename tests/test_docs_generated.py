"""The generated parts of the docs agree with the code (scripts/docs/generate.py).

- every error code the code can answer has a meaning written, and none is left over;
- the error-code enums are the codes: the guide's table lists exactly their members,
  no code is in two enums, and the source gives no code as a bare string;
- every generated block of docs/ is what the generator writes now (error table,
  figures, the variable reference);
- every variable the settings read is listed in its project's .env.example.
"""

from __future__ import annotations

import re
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


def _codes_in_the_error_table() -> set[str]:
    """The codes of the guide's generated table: every column whose header names a code."""
    page = (REPO / "docs" / "guide" / "errors.md").read_text()
    block = page.split("<!-- generated:errors -->")[1].split("<!-- /generated:errors -->")[0]
    codes, columns = set(), []
    for line in block.splitlines():
        if not line.startswith("|"):
            columns = []
            continue
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if not columns:
            columns = [i for i, header in enumerate(cells) if "code" in header.lower()]
            continue
        for i in columns:
            codes |= set(re.findall(r"`(\w+)`", cells[i]))
    return codes


def test_the_error_table_lists_exactly_the_codes_the_enums_declare():
    # given every member of the error-code enums
    declared = error_codes.all_codes()
    # when the committed guide's table is read / then it shows each, and nothing else
    assert _codes_in_the_error_table() == declared


def test_the_translation_table_has_one_row_per_kind():
    # given the kinds of refusal / then the one table both doors read has a row for each
    from core.errors import TRANSLATIONS, DomainError, ErrorKind

    assert set(TRANSLATIONS) == set(ErrorKind)
    assert {cls.kind for cls in error_codes._subclasses(DomainError)} <= set(ErrorKind)


def test_no_code_is_declared_by_two_enums():
    # given the error-code enums of every domain
    enums = error_codes.code_enums()
    # then each code string is a member of one of them only
    values = [member.value for enum in enums for member in enum]
    assert len(values) == len(set(values)), sorted(v for v in values if values.count(v) > 1)
    assert {enum.__name__ for enum in enums} >= {
        "CommonErrorCode",
        "GraphQLErrorCode",
        "CatalogErrorCode",
        "AccountErrorCode",
        "OAuthErrorCode",
    }


def test_the_source_gives_every_error_code_as_an_enum_member():
    # given every place the product code gives an error code (keyword, body key,
    # field_error's argument, a default) / then none is a bare string
    assert error_codes.bare_codes() == []


def test_the_bare_code_finder_sees_every_way_a_code_is_given(tmp_path, monkeypatch):
    # given a module giving codes as strings every way the source does
    app = tmp_path / "movies"
    app.mkdir()
    (app / "services.py").write_text(
        "raise Unauthenticated('m', code='a')\n"
        "raise field_error('f', 'm', 'b')\n"
        "body = {'code': 'c'}\n"
        "status, code, detail = 400, 'd', 'm'\n"
        "code = 'e' if x else CommonErrorCode.INVALID\n"
        "def f(*, code: str = 'f'): ...\n"
        "example = {'code': '123456'}\n"
        "STEP_UP_CODE = 'g'\n"
        "asked = getattr(refusal, 'code', None) == 'h'\n"
        "if error.code != 'i': ...\n"
    )
    monkeypatch.setattr(error_codes, "REPO", tmp_path)
    # when it is read / then each string is found, and the example value is not a code
    found = [line.rsplit(": ", 1)[1] for line in error_codes.bare_codes()]
    assert sorted(found) == ["a", "b", "c", "d", "e", "f", "g", "h", "i"]


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
