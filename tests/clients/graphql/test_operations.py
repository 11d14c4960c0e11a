"""The tour's operations are valid against the committed schema.graphql.

The tour itself (test_client_tour.py) is in the slow tier; this check is not, so a schema
change that breaks one of the client's operations fails in the fast tier already, with
graphql-core's message naming the field.
"""

from pathlib import Path

import pytest
from graphql import build_schema, parse, validate

OPERATIONS = sorted((Path(__file__).parent / "operations").glob("*.graphql"))
SCHEMA = Path(__file__).resolve().parents[3] / "schema.graphql"


def test_the_operations_are_found():
    # (an empty folder would leave the check below with nothing to run, silently)
    assert OPERATIONS


@pytest.mark.parametrize("path", OPERATIONS, ids=[path.stem for path in OPERATIONS])
def test_operations_are_valid_against_the_committed_schema(path):
    errors = validate(build_schema(SCHEMA.read_text()), parse(path.read_text()))

    assert [error.message for error in errors] == []
