"""What a movie shows, declared once: each field's name, kind, description and example.

Everything that lists a movie's fields is built from these declarations, when its
module is imported:

- the REST serializers' fields (so the OpenAPI schema) and their fast renderer
  (`movies/api/serializers.py`), and the OpenAPI examples (`movies/api/docs.py`);
- the GraphQL `Movie` type's fields and the columns each one reads
  (`movies/graphql/types.py`);
- the benchmark's hand-tuned reference body for the movie list (`bench/variants.py`;
  docs/performance.md).

A door turns each *kind* into its own field type and formatter, and refuses a kind it
does not know when it is imported, so a field cannot be declared here and left out of
one door. Adding a plain field is one line here (and the model's column); a new kind
needs a line in each door.
"""

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from movies.models import RATING_STATS_FIELDS


class Kind(enum.StrEnum):
    """How a field's value is read and shown."""

    ID = "id"  # the primary key
    TEXT = "text"
    INT = "int"
    DATE = "date"  # ISO date
    YEAR = "year"  # the year of a date column
    DATETIME = "datetime"  # ISO 8601, UTC as Z
    DECIMAL = "decimal"  # a JSON number with the column's decimal places
    FILE = "file"  # an uploaded file, shown as its absolute URL
    GENRES = "genres"  # [{id, name}] by name
    ACTORS = "actors"  # [{id, name}] in billing order
    CAST = "cast"  # [{actor: {id, name}, character, order}] in billing order
    CREW = "crew"  # [{person: {id, name}, job, department}] in the order written
    KEYWORDS = "keywords"  # [{id, name}] by name
    SIMILAR = "similar"  # the movies most like it (GraphQL; REST has its own route)
    REVIEWS = "reviews"  # the newest reviews (GraphQL; REST pages them on their own route)
    RATING_STATS = "rating_stats"  # {count, average, counts per half step}
    REVIEW_STATS = "review_stats"  # deprecated: {total, average, counts per whole star}
    MY_STATE = "my_state"  # the caller's lists and rating; null when anonymous


# Kinds whose value is one column of the row (the others read related rows, or
# the caller's state, and need only the id).
COLUMN_KINDS = frozenset(
    {Kind.ID, Kind.TEXT, Kind.INT, Kind.DATE, Kind.YEAR, Kind.DATETIME, Kind.DECIMAL, Kind.FILE}
)


@dataclass(frozen=True, slots=True)
class Field:
    """One field of an entity as both doors show it.

    `name` is the REST key; GraphQL camelCases `graphql_name` (default `name`).
    `source` is the model column a column kind reads (default `name`). `null`: the value
    may be null; `blank`: text that may be empty. `example` is the REST value the
    OpenAPI examples show. `rest` / `graphql`: which doors show it.
    """

    name: str
    kind: Kind
    description: str
    example: object
    source: str = ""
    null: bool = False
    blank: bool = False
    graphql_name: str = ""
    reads: tuple[str, ...] | None = None
    rest: bool = True
    graphql: bool = True
    deprecation: str = ""  # a key of core.versions.DEPRECATIONS

    def __post_init__(self):
        # Names and columns go into generated code (`Shape.renderer`): identifiers only.
        for name in (self.name, self.source, self.graphql_name):
            if name and not name.isidentifier():
                raise ValueError(f"{name!r} is not an identifier")
        if not self.source:
            object.__setattr__(self, "source", self.name)
        if not self.graphql_name:
            object.__setattr__(self, "graphql_name", self.name)

    @property
    def columns(self) -> tuple[str, ...]:
        """The model columns this field reads (besides the id, always loaded)."""
        if self.reads is not None:
            return self.reads
        return (self.source,) if self.kind in COLUMN_KINDS and self.kind != Kind.ID else ()


@dataclass(frozen=True)
class Shape:
    """The fields of one entity, in the order REST shows them."""

    fields: tuple[Field, ...]

    def extended(self, *fields: Field) -> "Shape":
        return Shape((*self.fields, *fields))

    @property
    def rest(self) -> tuple[Field, ...]:
        return tuple(field for field in self.fields if field.rest)

    @property
    def graphql(self) -> tuple[Field, ...]:
        return tuple(field for field in self.fields if field.graphql)

    def columns(self) -> tuple[str, ...]:
        """Every column the REST fields read, the id first, each once, in field order."""
        return tuple(dict.fromkeys(("id", *(c for f in self.rest for c in f.columns))))

    def example(self) -> dict:
        """A REST body of this shape, from each field's example."""
        return {field.name: field.example for field in self.rest}

    def renderer(
        self,
        templates: Mapping[Kind, str],
        *,
        params: str,
        namespace: dict,
        setup: str = "",
        label: str = "shape",
    ) -> Callable[..., dict]:
        """A function `render(<params>)` that returns this shape's REST body.

        Its body is one dict literal, a key per REST field in order, whose value is the
        template of the field's kind with `{source}` (the column) and `{name}` filled
        in; `setup` is a statement run first; the templates read the names in
        `namespace`. Generated once, when a door is imported, so a body costs what a
        hand-written literal costs: calling a function per field instead added about
        2 µs per movie, a tenth of the serializer's time on a page of 100. A kind
        without a template is refused here, when the door is built.
        """
        lines = []
        for field in self.rest:
            template = templates.get(field.kind)
            if template is None:
                raise TypeError(f"No {label} template for {field.name!r} of kind {field.kind!r}.")
            value = template.format(source=field.source, name=field.name)
            lines.append(f"        {field.name!r}: {value},")
        setup_line = f"    {setup}\n" if setup else ""
        code = (
            f"def render({params}):\n{setup_line}    return {{\n" + "\n".join(lines) + "\n    }\n"
        )
        scope = dict(namespace)
        # The code is built from declared identifiers and the door's own templates only.
        exec(compile(code, f"<{label} renderer>", "exec"), scope)  # noqa: S102
        render = scope["render"]
        render.code = code  # what was generated, for a reader in a debugger
        return render


_MATRIX_CAST = [(7, "Keanu Reeves", "Neo"), (8, "Carrie-Anne Moss", "Trinity")]

# A movie as listed (REST list, each movie of a user's list, GraphQL allMovies).
MOVIE_CARD = Shape(
    (
        Field("id", Kind.ID, "Database id of the movie.", 1),
        Field("title", Kind.TEXT, "Title.", "The Matrix"),
        Field(
            "plot",
            Kind.TEXT,
            "Plot summary (may be empty).",
            "A hacker learns that the world he lives in is a simulation.",
            blank=True,
        ),
        Field("release_date", Kind.DATE, "Release date, if known.", "1999-03-31", null=True),
        Field("year", Kind.YEAR, "Release year, if known.", 1999, source="release_date", null=True),
        Field(
            "poster",
            Kind.FILE,
            "Absolute URL of the poster image, if any.",
            "https://api.example.com/media/posters/the-matrix.jpg",
            null=True,
            graphql_name="poster_url",
        ),
        Field("imdb_id", Kind.TEXT, "IMDb id, e.g. tt0133093.", "tt0133093", null=True),
        Field("tmdb_id", Kind.INT, "TMDB id.", 603, null=True),
        Field(
            "genres",
            Kind.GENRES,
            "Genres, by name.",
            [{"id": 3, "name": "Science Fiction"}, {"id": 5, "name": "Action"}],
        ),
        Field(
            "actors",
            Kind.ACTORS,
            "Actors in billing order.",
            [{"id": actor, "name": name} for actor, name, _ in _MATRIX_CAST],
        ),
        Field(
            "average_rating",
            Kind.DECIMAL,
            "Average of every rating (with or without a review), 0.5-5, two decimals; "
            "null without ratings.",
            4.5,
            null=True,
        ),
        Field("rating_count", Kind.INT, "Number of ratings, with or without a review.", 3),
        Field("review_count", Kind.INT, "Number of reviews.", 2),
        Field("created_at", Kind.DATETIME, "When it was added.", "2026-01-05T10:00:00Z"),
        Field("updated_at", Kind.DATETIME, "When it last changed.", "2026-01-06T08:30:00Z"),
        Field(
            "my_state",
            Kind.MY_STATE,
            "The caller's favorite/watched/watchlist/rating and diary watch count and "
            "last watch; null if anonymous.",
            {
                "favorite": True,
                "watched": True,
                "watchlist": False,
                "rating": 4.5,
                "watch_count": 2,
                "last_watched_on": "2026-03-14",
            },
            null=True,
        ),
    )
)

# A movie in full (REST detail, GraphQL `movie(id)`; GraphQL's Movie type has every field).
MOVIE_DETAIL = MOVIE_CARD.extended(
    Field("runtime", Kind.INT, "Running time in minutes, if known.", 136, null=True),
    Field(
        "cast",
        Kind.CAST,
        "The cast in billing order, with characters.",
        source="actors",  # each actor carries its casting's character and billing order
        example=[
            {"actor": {"id": actor, "name": name}, "character": character, "order": order}
            for order, (actor, name, character) in enumerate(_MATRIX_CAST)
        ],
    ),
    Field(
        "crew",
        Kind.CREW,
        "The crew in the order it was written (TMDB's departments and jobs).",
        source="crew_credits",
        example=[
            {"person": {"id": person, "name": name}, "job": job, "department": department}
            for person, name, job, department in (
                (21, "Lana Wachowski", "Director", "Directing"),
                (22, "Lilly Wachowski", "Director", "Directing"),
                (21, "Lana Wachowski", "Screenplay", "Writing"),
                (23, "Don Davis", "Original Music Composer", "Sound"),
            )
        ],
    ),
    Field(
        "keywords",
        Kind.KEYWORDS,
        "Keywords (TMDB's), by name.",
        [{"id": 12, "name": "artificial intelligence"}, {"id": 31, "name": "dystopia"}],
    ),
    Field(
        "reviews",
        Kind.REVIEWS,
        "The newest reviews of this movie (use allReviews(movie:) to page).",
        None,
        rest=False,
    ),
    Field(
        "similar",
        Kind.SIMILAR,
        "Movies like this one, ranked by shared people (3 each), keywords (2) and genres "
        '(1); ties by id; never the movie itself (README, "Discovery").',
        None,
        rest=False,
    ),
    Field(
        "rating_stats",
        Kind.RATING_STATS,
        "Count, average (null without ratings) and count per half step of every rating.",
        {
            "count": 3,
            "average": 4.5,
            "counts": {
                f"{halves / 2:.1f}": {8: 1, 9: 1, 10: 1}.get(halves, 0) for halves in range(1, 11)
            },
        },
        reads=RATING_STATS_FIELDS,
    ),
    Field(
        "review_stats",
        Kind.REVIEW_STATS,
        "Deprecated: use rating_stats. Total, average (0 without ratings) and count per "
        "whole star.",
        {"total": 3, "average": 4.5, "counts": {"1": 0, "2": 0, "3": 0, "4": 1, "5": 1}},
        reads=RATING_STATS_FIELDS,
        deprecation="review_stats",
    ),
)

# A movie as a person's credit shows it (the REST person detail's `credits`): the card's
# id, title, year and poster. GraphQL's credits show the whole `Movie` type instead.
CREDIT_MOVIE = Shape(
    tuple(field for field in MOVIE_CARD.fields if field.name in ("id", "title", "year", "poster"))
)
