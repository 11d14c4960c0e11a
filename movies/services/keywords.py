"""A movie's keywords in a write: names, matched in any case, created when new.

Writes take keyword *names*, not ids (TMDB's importer and the demo loader have names,
and staff type them): `["Time Travel", "dystopia"]` links the existing "time travel"
keyword and creates "dystopia" if no keyword has that name in any case. The list
replaces the movie's keywords; an empty list clears them (movies/services/catalog.py).
"""

from collections.abc import Iterable, Mapping

from django.db import connection
from django.db.models.functions import Lower

from core.errors import CommonErrorCode, field_error
from movies.models import Keyword
from movies.services.inputs import check_links, clean_text

KEYWORD_MAX_LENGTH = Keyword._meta.get_field("name").max_length


def clean_keywords(values: Iterable | None) -> list[str]:
    """Stripped, non-empty keyword names (at most MAX_LINKS), each once in any case, in
    the given order; errors name `keywords`."""
    if values is None:
        return []
    if isinstance(values, (str, bytes, Mapping)):
        raise field_error(
            "keywords", "Must be a list of keyword names.", CommonErrorCode.NOT_A_LIST
        )
    names: dict[str, str] = {}
    for value in check_links(values, field="keywords"):
        name = clean_text(value, field="keywords", max_length=KEYWORD_MAX_LENGTH, required=True)
        names.setdefault(name.lower(), name)
    return list(names.values())


def keyword_ids(names: list[str]) -> list[int]:
    """The ids of the keywords named (any case), creating the missing ones; a name
    another write creates at the same time is taken, not duplicated."""
    if not names:
        return []
    lowered = [name.lower() for name in names]

    def existing() -> dict[str, int]:
        rows = Keyword.objects.annotate(lowered=Lower("name")).filter(lowered__in=lowered)
        return dict(rows.values_list("lowered", "id"))

    found = existing()
    missing = [Keyword(name=name) for name in names if name.lower() not in found]
    if missing:
        Keyword.objects.bulk_create(missing, ignore_conflicts=True)
        found = existing()
    if any(name not in found for name in lowered):
        # Python's lower case of a name is not the database's, which the unique
        # constraint compares (SQLite lowers ASCII letters only: "Ò" stays "Ò"): match
        # these names by the database's own lower case.
        lowered = database_lower(names)
        found = existing()
    return [found[name] for name in lowered]


def database_lower(names: list[str]) -> list[str]:
    """Each name in the database's lower case (one query)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(["LOWER(%s)"] * len(names)), names)
        return list(cursor.fetchone())
