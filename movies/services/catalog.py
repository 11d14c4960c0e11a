"""Writes to movies: create, update and delete a movie with its genres, cast, crew and
poster.

REST, GraphQL, the importers and the demo loader all call these functions, each naming
who acts (`user`): only staff may change the catalog, and every write here and in
genres.py and actors.py refuses anyone else, whatever calls it (the site's own scripts
act as SITE_OPERATOR). Arguments are keyword-only; every change runs in
`transaction.atomic`, so a failure leaves nothing half-written. Invalid input raises
`core.errors.Invalid` keyed by the public field name (`title`, `genres`, `actors`,
`cast`, `imdb_id`, `tmdb_id`, `poster`, ...), including uniqueness conflicts that only
show up as an IntegrityError in a race.
`movie_update` takes only the fields to change (the others stay at UNSET).
"""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.errors import CommonErrorCode, Conflict, Forbidden, field_error
from core.ids import is_id_text
from core.images import clean_image
from core.media import delete_on_commit, file_replaced
from movies.errors import CatalogErrorCode
from movies.filters import MAX_TMDB_ID
from movies.models import RUNTIME_MAX, Actor, Casting, Genre, Movie
from movies.services.crew import CrewEntry, clean_crew, write_crew
from movies.services.inputs import (
    UNSET,
    FieldErrors,
    check_links,
    clean_date,
    clean_ids,
    clean_text,
    require_existing,
)
from movies.services.keywords import clean_keywords, keyword_ids

CATALOG_EDIT_DENIED = "Only staff may change the catalog."
# The largest billing order: Casting.order is a PositiveSmallIntegerField.
CAST_ORDER_MAX = 32767


def catalog_can_edit(*, user) -> bool:
    """Staff curate the catalog (movies, genres, actors); everyone else only reads.

    The one statement of this rule. Every catalog write service enforces it
    (`catalog_require_editor`), so no caller can skip it; the doors ask it too, before
    they look an id up, so a non-editor learns nothing about which ids exist.
    """
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)


def catalog_require_editor(*, user) -> None:
    """Raise Forbidden unless `user` may change the catalog (the first step of every
    catalog write)."""
    if not catalog_can_edit(user=user):
        raise Forbidden(CATALOG_EDIT_DENIED)


class _SiteOperator:
    """Whoever runs the site's own scripts from a shell (the importers, the demo
    loader): they may edit the catalog. Only those scripts pass it, as `user=`."""

    is_authenticated = is_active = is_staff = True
    pk = None

    def __repr__(self) -> str:
        return "SITE_OPERATOR"


SITE_OPERATOR = _SiteOperator()


@dataclass(frozen=True)
class CastEntry:
    """One actor's part in a movie: `order` is the billing position (None = list index)."""

    actor_id: int
    character: str = ""
    order: int | None = None


def _cast_entry(index: int, raw) -> CastEntry:
    """One cast entry (CastEntry, or a dict with `actor`/`actor_id`) checked."""
    if isinstance(raw, CastEntry):
        actor, character, order = raw.actor_id, raw.character, raw.order
    elif isinstance(raw, Mapping):
        actor = raw.get("actor_id", raw.get("actor"))
        character, order = raw.get("character", ""), raw.get("order")
    else:
        raise field_error("cast", f"Entry {index} must be an object with `actor`.")
    if actor is None:
        raise field_error("cast", f"Entry {index} has no actor.", CommonErrorCode.REQUIRED)
    (actor_id,) = clean_ids([actor], field="cast")
    character = clean_text(character, field="cast", max_length=200)
    if order is None:
        order = index
    if isinstance(order, bool) or not isinstance(order, int) or not 0 <= order <= CAST_ORDER_MAX:
        raise field_error(
            "cast", f"Entry {index}: order must be a whole number from 0 to {CAST_ORDER_MAX}."
        )
    return CastEntry(actor_id=actor_id, character=character, order=order)


def _clean_cast(cast: Sequence | None) -> list[CastEntry]:
    """Normalise and check cast entries: known actors, each at most once."""
    if cast is None:
        return []
    if isinstance(cast, (str, bytes, Mapping)):
        raise field_error("cast", "Must be a list of cast entries.", CommonErrorCode.NOT_A_LIST)
    entries = [_cast_entry(index, raw) for index, raw in enumerate(check_links(cast, field="cast"))]
    seen: set[int] = set()
    for entry in entries:
        if entry.actor_id in seen:
            message = f"Actor {entry.actor_id} appears more than once."
            raise field_error("cast", message, CatalogErrorCode.DUPLICATE)
        seen.add(entry.actor_id)
    require_existing(Actor, [entry.actor_id for entry in entries], field="cast", label="actor")
    return entries


def _resolve_cast(*, actor_ids, cast) -> list[CastEntry] | None:
    """`actor_ids` (billing order = list order) or `cast`; None when neither is given."""
    has_actors, has_cast = actor_ids is not UNSET, cast is not UNSET
    if has_actors and has_cast and actor_ids and cast:
        raise field_error(
            "cast", "Give either `actors` or `cast`, not both.", CatalogErrorCode.AMBIGUOUS
        )
    if has_cast and (cast or not has_actors):
        return _clean_cast(cast)
    if has_actors:
        ids = clean_ids(actor_ids, field="actors")
        require_existing(Actor, ids, field="actors", label="actor")
        return [CastEntry(actor_id=pk, order=index) for index, pk in enumerate(ids)]
    return None


def _clean_genres(genre_ids) -> list[int]:
    genres = clean_ids(genre_ids, field="genres")
    require_existing(Genre, genres, field="genres", label="genre")
    return genres


def _clean_imdb_id(value) -> str | None:
    if value in (None, ""):
        return None
    value = clean_text(value, field="imdb_id", max_length=12)
    if not (value.startswith("tt") and is_id_text(value[2:]) and 7 <= len(value) - 2 <= 10):
        raise field_error("imdb_id", "IMDb ids look like tt0133093.")
    return value


def _clean_tmdb_id(value) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, str) and is_id_text(value.strip()):
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise field_error("tmdb_id", "A TMDB id is a whole number.")
    if not 1 <= value <= MAX_TMDB_ID:
        raise field_error(
            "tmdb_id", f"A TMDB id is between 1 and {MAX_TMDB_ID}.", CatalogErrorCode.OUT_OF_RANGE
        )
    return value


def _clean_runtime(value) -> int | None:
    """Minutes, 1 to RUNTIME_MAX; empty is unknown (None)."""
    if value in (None, ""):
        return None
    if isinstance(value, str) and is_id_text(value.strip()):
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise field_error("runtime", "A runtime is a whole number of minutes.")
    if not 1 <= value <= RUNTIME_MAX:
        raise field_error(
            "runtime",
            f"A runtime is between 1 and {RUNTIME_MAX} minutes.",
            CatalogErrorCode.OUT_OF_RANGE,
        )
    return value


def _check_movie_ids_free(*, imdb_id, tmdb_id, exclude_pk=None) -> None:
    others = Movie.objects.exclude(pk=exclude_pk) if exclude_pk else Movie.objects.all()
    errors = {}
    if imdb_id and others.filter(imdb_id=imdb_id).exists():
        errors["imdb_id"] = ValidationError(
            "A movie with this IMDb id already exists.", code=CommonErrorCode.UNIQUE
        )
    if tmdb_id and others.filter(tmdb_id=tmdb_id).exists():
        errors["tmdb_id"] = ValidationError(
            "A movie with this TMDB id already exists.", code=CommonErrorCode.UNIQUE
        )
    if errors:
        raise ValidationError(errors)


def _write_movie(movie: Movie, *, genre_ids, cast_entries, crew_entries, keywords=None) -> None:
    movie.save()
    if crew_entries is not None:
        write_crew(movie, crew_entries)
    if genre_ids is not None:
        movie.genres.set(genre_ids)
    if keywords is not None:
        movie.keywords.set(keyword_ids(keywords))
    if cast_entries is not None:
        Casting.objects.filter(movie=movie).delete()
        Casting.objects.bulk_create(
            Casting(
                movie=movie, actor_id=entry.actor_id, character=entry.character, order=entry.order
            )
            for entry in cast_entries
        )


def _save_movie(
    movie: Movie, *, genre_ids, cast_entries, crew_entries=None, poster=UNSET, keywords=None
) -> Movie:
    """Write a validated movie, its genres, cast, crew, keywords (None: unchanged) and
    poster (UNSET: unchanged); map a uniqueness race to its field."""
    links = {
        "genre_ids": genre_ids,
        "cast_entries": cast_entries,
        "crew_entries": crew_entries,
        "keywords": keywords,
    }
    try:
        with transaction.atomic():
            if poster is UNSET:
                _write_movie(movie, **links)
            else:
                with file_replaced(movie, "poster", poster):
                    _write_movie(movie, **links)
    except IntegrityError as exc:
        # Another request took the id between our check and our insert.
        _check_movie_ids_free(imdb_id=movie.imdb_id, tmdb_id=movie.tmdb_id, exclude_pk=movie.pk)
        raise Conflict(
            "The movie could not be saved because related data changed at the same time; try again."
        ) from exc
    return movie


def movie_create(
    *,
    user,
    title: str,
    plot: str = "",
    release_date: datetime.date | str | None = None,
    genre_ids: Iterable[int] = (),
    actor_ids: Iterable[int] | None = None,
    cast: Sequence[CastEntry | Mapping] | None = None,
    crew: Sequence[CrewEntry | Mapping] | None = None,
    imdb_id: str | None = None,
    tmdb_id: int | None = None,
    poster=None,
    runtime: int | None = None,
    keywords: Iterable[str] = (),
) -> Movie:
    """Create a movie with its genres, cast and keywords (names: services/keywords.py).

    `actor_ids` lists actors in billing order; `cast` gives CastEntry objects or dicts
    `{"actor" (or "actor_id"): id, "character": str, "order": int}` — give one of them.
    `crew` gives CrewEntry objects or dicts `{"person" (or "person_id"): id, "job",
    "department"}` in the order shown (movies/services/crew.py).
    `poster` is an uploaded file, checked and re-encoded by `clean_image`.
    Errors name `title`, `plot`, `release_date`, `genres`, `actors`, `cast`, `crew`,
    `imdb_id`, `tmdb_id`, `poster` or `runtime` (minutes): every field that is wrong, in
    one error; a `user` who may not edit the catalog is Forbidden.
    """
    catalog_require_editor(user=user)
    errors = FieldErrors()
    movie = Movie(
        title=errors.check(clean_text, title, field="title", max_length=255, required=True),
        plot=errors.check(clean_text, plot, field="plot", max_length=10_000),
        release_date=errors.check(clean_date, release_date, field="release_date"),
        imdb_id=errors.check(_clean_imdb_id, imdb_id),
        tmdb_id=errors.check(_clean_tmdb_id, tmdb_id),
        runtime=errors.check(_clean_runtime, runtime),
    )
    genres = errors.check(_clean_genres, genre_ids)
    cast_entries = errors.check(
        _resolve_cast,
        actor_ids=UNSET if actor_ids is None else actor_ids,
        cast=UNSET if cast is None else cast,
    )
    crew_entries = errors.check(clean_crew, crew)
    # A malformed id was left None above, so only well-formed ids are looked up.
    errors.check(_check_movie_ids_free, imdb_id=movie.imdb_id, tmdb_id=movie.tmdb_id)
    poster_file = errors.check(clean_image, poster, field="poster") if poster else UNSET
    keyword_names = errors.check(clean_keywords, keywords)
    errors.raise_any()
    return _save_movie(
        movie,
        genre_ids=genres,
        cast_entries=cast_entries or [],
        crew_entries=crew_entries or [],
        poster=poster_file,
        keywords=keyword_names or None,  # a new movie has none: nothing to write
    )


def movie_update(
    *,
    user,
    movie: Movie,
    title: str = UNSET,
    plot: str = UNSET,
    release_date: datetime.date | str | None = UNSET,
    genre_ids: Iterable[int] = UNSET,
    actor_ids: Iterable[int] = UNSET,
    cast: Sequence[CastEntry | Mapping] = UNSET,
    crew: Sequence[CrewEntry | Mapping] = UNSET,
    imdb_id: str | None = UNSET,
    tmdb_id: int | None = UNSET,
    poster=UNSET,
    runtime: int | None = UNSET,
    keywords: Iterable[str] = UNSET,
) -> Movie:
    """Change the given fields of `movie`; arguments left UNSET keep their values.

    `genre_ids`, `actor_ids`, `cast`, `crew` and `keywords` replace the whole list when
    given.
    `poster=None` removes the poster. The rating statistics are not writable here.
    Every field that is wrong is named, in one error (as movie_create).
    """
    catalog_require_editor(user=user)
    # Work on a fresh copy so a failed validation leaves the caller's instance intact.
    target = Movie.objects.get(pk=movie.pk)
    errors = FieldErrors()
    if title is not UNSET:
        target.title = errors.check(clean_text, title, field="title", max_length=255, required=True)
    if plot is not UNSET:
        target.plot = errors.check(clean_text, plot, field="plot", max_length=10_000)
    if release_date is not UNSET:
        target.release_date = errors.check(clean_date, release_date, field="release_date")
    if imdb_id is not UNSET:
        target.imdb_id = errors.check(_clean_imdb_id, imdb_id)
    if tmdb_id is not UNSET:
        target.tmdb_id = errors.check(_clean_tmdb_id, tmdb_id)
    if runtime is not UNSET:
        target.runtime = errors.check(_clean_runtime, runtime)
    genres = None if genre_ids is UNSET else errors.check(_clean_genres, genre_ids)
    cast_entries = errors.check(_resolve_cast, actor_ids=actor_ids, cast=cast)
    crew_entries = None if crew is UNSET else errors.check(clean_crew, crew)
    errors.check(
        _check_movie_ids_free,
        imdb_id=target.imdb_id,
        tmdb_id=target.tmdb_id,
        exclude_pk=target.pk,
    )
    if poster is not UNSET and poster:
        poster = errors.check(clean_image, poster, field="poster")
    keyword_names = None if keywords is UNSET else errors.check(clean_keywords, keywords)
    errors.raise_any()
    return _save_movie(
        target,
        genre_ids=genres,
        cast_entries=cast_entries,
        crew_entries=crew_entries,
        poster=poster,
        keywords=keyword_names,
    )


@transaction.atomic
def movie_delete(*, user, movie: Movie) -> None:
    """Delete a movie with its cast, reviews and list entries; its poster file goes too."""
    catalog_require_editor(user=user)
    poster_name, storage = movie.poster.name, movie.poster.storage
    movie.delete()
    delete_on_commit(storage, poster_name)
