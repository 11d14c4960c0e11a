"""Similar movies: ranked by the weighted overlap of genres, people and keywords.

A candidate's score is the sum, over what it shares with the movie, of:

- `WEIGHTS["people"]` (3) for each person in the cast or crew of both (a person counts
  once, whatever their parts or jobs on either movie);
- `WEIGHTS["keywords"]` (2) for each shared keyword;
- `WEIGHTS["genres"]` (1) for each shared genre.

A shared person says most (the same director, the same lead), a keyword names a subject,
a genre is broad: ten thousand movies can share "Drama". Ties are broken by id, lowest
first; the movie itself is never in its own answer, nor is a movie sharing nothing.

Two queries whatever the catalog's size: the scores (one statement: the overlaps are
counted and ranked in the database, only the top rows come back), and the shared
genres, people and keywords of those rows with their names. A movie that shares
nothing with any other costs a third, which tells an empty answer from a missing movie.
"""

from dataclasses import dataclass, field

from django.db import connections, router

from core.errors import field_error
from core.ids import is_id_text
from movies.models import Actor, Casting, CrewCredit, Genre, Keyword, Movie
from movies.selectors.catalog import Ref

# What one shared thing adds to a score (the README, "Discovery", documents them).
WEIGHTS = {"genres": 1, "people": 3, "keywords": 2}
DEFAULT_SIMILAR = 20
MAX_SIMILAR = 100

_GENRE, _PERSON, _KEYWORD = 0, 1, 2
_KIND_NAMES = {_GENRE: "genres", _PERSON: "people", _KEYWORD: "keywords"}


@dataclass(slots=True)
class Similar:
    """One similar movie: its id, score and the shared refs (`{genres, people, keywords}`,
    each by name)."""

    movie_id: int
    score: int
    because: dict[str, list[Ref]] = field(
        default_factory=lambda: {"genres": [], "people": [], "keywords": []}
    )


# The statements per database vendor (identifier quoting differs), built once.
_SQL: dict[tuple[str, str], str] = {}


def _tables(q) -> dict:
    return {
        "mg": q(Movie.genres.through._meta.db_table),
        "mk": q(Movie.keywords.through._meta.db_table),
        "cast": q(Casting._meta.db_table),
        "crew": q(CrewCredit._meta.db_table),
        "genre": q(Genre._meta.db_table),
        "keyword": q(Keyword._meta.db_table),
        "person": q(Actor._meta.db_table),
    }


def _people_of_movie(t) -> str:
    """The ids of the movie's people, cast and crew (one `%s`: the movie id, twice)."""
    return (
        f"SELECT actor_id FROM {t['cast']} WHERE movie_id = %s"  # noqa: S608
        f" UNION SELECT person_id FROM {t['crew']} WHERE movie_id = %s"
    )


def _scores_sql(connection) -> str:
    """The top candidates by score: `(movie_id, score)`; parameters: the movie id seven
    times, then the limit."""
    key = (connection.vendor, "scores")
    if key not in _SQL:
        t = _tables(connection.ops.quote_name)
        people = _people_of_movie(t)
        _SQL[key] = (
            "SELECT s.movie_id, SUM(s.weight) AS score FROM ("  # noqa: S608
            f"SELECT movie_id, {WEIGHTS['genres']} AS weight FROM {t['mg']} WHERE genre_id IN"
            f" (SELECT genre_id FROM {t['mg']} WHERE movie_id = %s)"
            f" UNION ALL SELECT movie_id, {WEIGHTS['keywords']} FROM {t['mk']} WHERE keyword_id IN"
            f" (SELECT keyword_id FROM {t['mk']} WHERE movie_id = %s)"
            f" UNION ALL SELECT p.movie_id, {WEIGHTS['people']} FROM ("
            f"SELECT movie_id, actor_id FROM {t['cast']} WHERE actor_id IN ({people})"
            f" UNION SELECT movie_id, person_id FROM {t['crew']} WHERE person_id IN ({people})"
            ") p"
            ") s WHERE s.movie_id <> %s GROUP BY s.movie_id ORDER BY score DESC, s.movie_id"
            " LIMIT %s"
        )
    return _SQL[key]


def _reasons_sql(connection, count: int) -> str:
    """What each of `count` candidates shares with the movie: `(movie_id, kind, id, name)`;
    parameters: the candidates' ids then the movie id, per branch (see `_reasons_params`)."""
    key = (connection.vendor, "reasons")
    if key not in _SQL:
        t = _tables(connection.ops.quote_name)
        people = _people_of_movie(t)
        _SQL[key] = (
            f"SELECT l.movie_id, {_GENRE}, g.id, g.name FROM {t['mg']} l"  # noqa: S608
            f" INNER JOIN {t['genre']} g ON g.id = l.genre_id WHERE l.movie_id IN ({{ids}})"
            f" AND l.genre_id IN (SELECT genre_id FROM {t['mg']} WHERE movie_id = %s)"
            f" UNION SELECT l.movie_id, {_KEYWORD}, k.id, k.name FROM {t['mk']} l"
            f" INNER JOIN {t['keyword']} k ON k.id = l.keyword_id WHERE l.movie_id IN ({{ids}})"
            f" AND l.keyword_id IN (SELECT keyword_id FROM {t['mk']} WHERE movie_id = %s)"
            f" UNION SELECT c.movie_id, {_PERSON}, a.id, a.name FROM {t['cast']} c"
            f" INNER JOIN {t['person']} a ON a.id = c.actor_id WHERE c.movie_id IN ({{ids}})"
            f" AND c.actor_id IN ({people})"
            f" UNION SELECT c.movie_id, {_PERSON}, a.id, a.name FROM {t['crew']} c"
            f" INNER JOIN {t['person']} a ON a.id = c.person_id WHERE c.movie_id IN ({{ids}})"
            f" AND c.person_id IN ({people})"
        )
    return _SQL[key].format(ids=", ".join(["%s"] * count))


def _reasons_params(ids: list[int], movie_id: int) -> list[int]:
    # genres, keywords: the ids then the movie; cast, crew: the ids then the movie twice.
    return [*ids, movie_id, *ids, movie_id, *ids, movie_id, movie_id, *ids, movie_id, movie_id]


def similar_count(first) -> int:
    """How many similar movies to answer: `first` (a whole number, or its digits) from 1
    to MAX_SIMILAR, DEFAULT_SIMILAR when None; anything else is an error on `first`."""
    if first is None:
        return DEFAULT_SIMILAR
    if isinstance(first, str) and is_id_text(first.strip()):
        first = int(first.strip())
    if isinstance(first, bool) or not isinstance(first, int) or not 1 <= first <= MAX_SIMILAR:
        raise field_error("first", f"A whole number from 1 to {MAX_SIMILAR}.")
    return first


def movie_similar(*, movie: Movie | int, first=None) -> list[Similar] | None:
    """The `first` movies most like `movie` (a Movie, or an id), best first (ties: lowest
    id first), each with its score and what it shares; None when there is no such movie.

    `first`: see `similar_count` (checked before anything is read). A Movie instance is
    known to exist: an empty answer then needs no third query.
    """
    first = similar_count(first)
    movie_id = movie.pk if isinstance(movie, Movie) else movie
    connection = connections[router.db_for_read(Movie)]
    with connection.cursor() as cursor:
        cursor.execute(_scores_sql(connection), [movie_id] * 7 + [first])
        rows = [Similar(movie_id=pk, score=int(score)) for pk, score in cursor.fetchall()]
        if not rows:
            # Nothing shared: an answer only if the movie exists (a third query).
            known = isinstance(movie, Movie) or Movie.objects.filter(pk=movie_id).exists()
            return rows if known else None
        by_id = {row.movie_id: row for row in rows}
        ids = list(by_id)
        cursor.execute(_reasons_sql(connection, len(ids)), _reasons_params(ids, movie_id))
        reasons = cursor.fetchall()
    # Each list by (name, id), as the models order genres, people and keywords.
    for pk, kind, ref_id, name in sorted(reasons, key=lambda r: (r[3], r[2])):
        by_id[pk].because[_KIND_NAMES[kind]].append(Ref(ref_id, name))
    return rows
