"""A movie's crew in a write: who held which job, in TMDB's departments and jobs.

`movie_create` / `movie_update` (movies/services/catalog.py) take `crew` as a list of
`{"person": id, "job": "Director", "department": "Directing"}` and call `clean_crew`
then `write_crew` here, so REST, GraphQL, the importers and the demo loader share one
rule and one message per problem, each naming the field `crew` and the entry's index.
The crew reads in the order written (`CrewCredit.order` is the index).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from core.errors import CommonErrorCode, field_error
from core.ids import to_db_id
from movies.errors import CatalogErrorCode
from movies.models import DEPARTMENTS, Actor, CrewCredit, Movie
from movies.services.inputs import check_links

FIELD = "crew"


@dataclass(frozen=True)
class CrewEntry:
    """One job on a movie's crew: the person's id, TMDB's job and department."""

    person_id: int
    job: str
    department: str


def _text(index: int, raw: Mapping, key: str) -> str:
    value = raw.get(key)
    if value is None or value == "":
        raise field_error(FIELD, f"Entry {index} has no {key}.", CommonErrorCode.REQUIRED)
    if not isinstance(value, str):
        raise field_error(FIELD, f"Entry {index}: {key} must be a string.")
    return value.strip()


def _entry(index: int, raw) -> CrewEntry:
    """One entry (CrewEntry, or a dict with `person`/`person_id`, `job`, `department`)."""
    if isinstance(raw, CrewEntry):
        person, job, department = raw.person_id, raw.job, raw.department
    elif isinstance(raw, Mapping):
        person = raw.get("person_id", raw.get("person"))
        if person is None:
            raise field_error(FIELD, f"Entry {index} has no person.", CommonErrorCode.REQUIRED)
        job, department = _text(index, raw, "job"), _text(index, raw, "department")
    else:
        raise field_error(
            FIELD, f"Entry {index} must be an object with `person`, `job`, `department`."
        )
    person_id = to_db_id(person)
    if person_id is None:
        raise field_error(FIELD, f"Entry {index}: {person!r} is not a valid person id.")
    jobs = DEPARTMENTS.get(department)
    if jobs is None:
        raise field_error(
            FIELD,
            f"Entry {index}: unknown department {department!r}; one of {', '.join(DEPARTMENTS)}.",
        )
    if job not in jobs:
        raise field_error(
            FIELD,
            f"Entry {index}: {job!r} is not a job of {department}; one of {', '.join(jobs)}.",
        )
    return CrewEntry(person_id=person_id, job=job, department=department)


def clean_crew(crew: Sequence | None) -> list[CrewEntry]:
    """The checked crew of a write: known people, TMDB's departments and each
    department's jobs (movies.models.DEPARTMENTS), each person at most once per job,
    at most MAX_LINKS entries. None is no crew."""
    if crew is None:
        return []
    if isinstance(crew, (str, bytes, Mapping)):
        raise field_error(FIELD, "Must be a list of crew entries.", CommonErrorCode.NOT_A_LIST)
    entries = [_entry(index, raw) for index, raw in enumerate(check_links(crew, field=FIELD))]
    seen: set[tuple[int, str]] = set()
    for index, entry in enumerate(entries):
        if (entry.person_id, entry.job) in seen:
            message = f"Entry {index}: person {entry.person_id} is already credited as {entry.job}."
            raise field_error(FIELD, message, CatalogErrorCode.DUPLICATE)
        seen.add((entry.person_id, entry.job))
    wanted = {entry.person_id for entry in entries}
    existing = set(Actor.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    for index, entry in enumerate(entries):
        if entry.person_id not in existing:
            raise field_error(
                FIELD,
                f"Entry {index}: unknown person id {entry.person_id}.",
                CommonErrorCode.DOES_NOT_EXIST,
            )
    return entries


def write_crew(movie: Movie, entries: list[CrewEntry]) -> None:
    """Replace the movie's crew with `entries`, in their order (inside the caller's
    transaction): a delete and one insert."""
    CrewCredit.objects.filter(movie=movie).delete()
    CrewCredit.objects.bulk_create(
        CrewCredit(
            movie=movie,
            person_id=entry.person_id,
            job=entry.job,
            department=entry.department,
            order=index,
        )
        for index, entry in enumerate(entries)
    )
