"""Writes to the catalog. REST, GraphQL and the importers all call these functions.

Conventions:
- keyword-only arguments; every change runs in `transaction.atomic`, so a failure
  leaves nothing half-written;
- invalid input raises `movie_api.errors.Invalid` (a ValidationError) keyed by the
  public field name (`title`, `genres`, `actors`, `cast`, `imdb_id`, `tmdb_id`,
  `poster`, `name`, ...), including uniqueness conflicts that only show up as an
  IntegrityError in a race; refusals raise the other typed errors of that module
  (NotFound, Conflict, Forbidden, Unauthenticated), which both doors translate;
- update functions take only the fields to change: an argument left at `UNSET` keeps
  its stored value, so `movie_update(movie=m, **changed_fields)` works.
"""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.dateparse import parse_date

from movie_api.errors import Conflict, Forbidden, NotFound, Unauthenticated, field_error
from movie_api.images import clean_image
from movie_api.media import delete_on_commit, delete_quietly, store_file
from movies.filters import MAX_DB_ID, MAX_TMDB_ID
from movies.models import Actor, Casting, Genre, Movie


class _Unset:
    """Marker for "argument not given" in update services."""

    def __repr__(self):
        return "UNSET"

    def __bool__(self):
        return False


UNSET: Any = _Unset()


@dataclass(frozen=True)
class CastEntry:
    """One actor's part in a movie: `order` is the billing position (None = list index)."""

    actor_id: int
    character: str = ""
    order: int | None = None


# --------------------------------------------------------------------------- who may write

CATALOG_EDIT_DENIED = "Only staff may change the catalog."


def catalog_can_edit(*, user) -> bool:
    """Staff curate the catalog (movies, genres, actors); everyone else only reads.

    The one statement of this rule: the REST permission and the GraphQL mutations
    both ask it.
    """
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)


# --------------------------------------------------------------------------- helpers


def _clean_text(value, *, field: str, max_length: int, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise field_error(field, "Must be a string.", "invalid")
    value = value.strip()
    if "\x00" in value:
        raise field_error(field, "Null characters are not allowed.", "null_characters")
    if required and not value:
        raise field_error(field, "This field may not be blank.", "blank")
    if len(value) > max_length:
        raise field_error(
            field, f"Ensure this field has no more than {max_length} characters.", "max_length"
        )
    return value


def _clean_date(value, *, field: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            parsed = parse_date(value.strip())
        except ValueError:
            parsed = None
        if parsed is not None:
            return parsed
    raise field_error(field, "Enter a valid date (YYYY-MM-DD).", "invalid")


def _is_int_text(text: str) -> bool:
    """ASCII digits that int() reads: str.isdigit() alone also accepts "²", which int()
    refuses, and strings past int()'s 4,300-digit limit (T40 scanner findings)."""
    return text.isascii() and text.isdigit() and len(text) <= 20


# Bound on list lengths in a write, so one request cannot ask for unbounded work.
MAX_LINKS = 100


def _check_links(values, *, field: str) -> list:
    values = list(values)
    if len(values) > MAX_LINKS:
        raise field_error(field, f"At most {MAX_LINKS} items.", "max_length")
    return values


def _clean_ids(values: Iterable | None, *, field: str) -> list[int]:
    """Ids as a de-duplicated list in the given order; anything but a whole number is refused."""
    if values is None:
        return []
    if isinstance(values, (str, bytes, Mapping)):
        raise field_error(field, "Must be a list of ids.", "not_a_list")
    values = _check_links(values, field=field)
    ids: list[int] = []
    for value in values:
        number = value
        if isinstance(value, str) and _is_int_text(value.strip()):
            number = int(value.strip())
        if isinstance(number, bool) or not isinstance(number, int):
            raise field_error(field, f"{value!r} is not a valid id.", "invalid")
        if number not in ids:
            ids.append(number)
    return ids


def _existing_ids(model, ids: list[int]) -> set[int]:
    # Ids outside the column's range cannot exist; keep them out of the SQL (SQLite
    # raises OverflowError on them).
    in_range = [pk for pk in ids if 1 <= pk <= MAX_DB_ID]
    return set(model.objects.filter(pk__in=in_range).values_list("pk", flat=True))


def _require_existing(model, ids: list[int], *, field: str, label: str) -> None:
    existing = _existing_ids(model, ids)
    missing = [pk for pk in ids if pk not in existing]
    if missing:
        raise field_error(
            field, f"Unknown {label} id(s): {', '.join(map(str, missing))}.", "does_not_exist"
        )


def _clean_cast(cast: Sequence | None) -> list[CastEntry]:
    """Normalise cast entries (CastEntry or dicts with `actor`/`actor_id`) and check them."""
    if cast is None:
        return []
    if isinstance(cast, (str, bytes, Mapping)):
        raise field_error("cast", "Must be a list of cast entries.", "not_a_list")
    cast = _check_links(cast, field="cast")
    entries: list[CastEntry] = []
    for index, raw in enumerate(cast):
        if isinstance(raw, CastEntry):
            actor, character, order = raw.actor_id, raw.character, raw.order
        elif isinstance(raw, Mapping):
            actor = raw.get("actor_id", raw.get("actor"))
            character, order = raw.get("character", ""), raw.get("order")
        else:
            raise field_error("cast", f"Entry {index} must be an object with `actor`.", "invalid")
        (actor_id,) = _clean_ids([actor], field="cast") if actor is not None else (None,)
        if actor_id is None:
            raise field_error("cast", f"Entry {index} has no actor.", "required")
        character = _clean_text(character, field="cast", max_length=200)
        if order is None:
            order = index
        if isinstance(order, bool) or not isinstance(order, int) or not 0 <= order <= 32767:
            raise field_error(
                "cast", f"Entry {index}: order must be a whole number from 0 to 32767.", "invalid"
            )
        entries.append(CastEntry(actor_id=actor_id, character=character, order=order))
    seen: set[int] = set()
    for entry in entries:
        if entry.actor_id in seen:
            message = f"Actor {entry.actor_id} appears more than once."
            raise field_error("cast", message, "duplicate")
        seen.add(entry.actor_id)
    _require_existing(Actor, [entry.actor_id for entry in entries], field="cast", label="actor")
    return entries


def _resolve_cast(*, actor_ids, cast) -> list[CastEntry] | None:
    """`actor_ids` (billing order = list order) or `cast`; None when neither is given."""
    has_actors, has_cast = actor_ids is not UNSET, cast is not UNSET
    if has_actors and has_cast and actor_ids and cast:
        raise field_error("cast", "Give either `actors` or `cast`, not both.", "ambiguous")
    if has_cast and (cast or not has_actors):
        return _clean_cast(cast)
    if has_actors:
        ids = _clean_ids(actor_ids, field="actors")
        _require_existing(Actor, ids, field="actors", label="actor")
        return [CastEntry(actor_id=pk, order=index) for index, pk in enumerate(ids)]
    return None


def _clean_imdb_id(value) -> str | None:
    if value in (None, ""):
        return None
    value = _clean_text(value, field="imdb_id", max_length=12)
    if not (value.startswith("tt") and _is_int_text(value[2:]) and 7 <= len(value) - 2 <= 10):
        raise field_error("imdb_id", "IMDb ids look like tt0133093.", "invalid")
    return value


def _clean_tmdb_id(value) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, str) and _is_int_text(value.strip()):
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise field_error("tmdb_id", "A TMDB id is a whole number.", "invalid")
    if not 1 <= value <= MAX_TMDB_ID:
        raise field_error("tmdb_id", f"A TMDB id is between 1 and {MAX_TMDB_ID}.", "out_of_range")
    return value


def _check_movie_ids_free(*, imdb_id, tmdb_id, exclude_pk=None) -> None:
    others = Movie.objects.exclude(pk=exclude_pk) if exclude_pk else Movie.objects.all()
    errors = {}
    if imdb_id and others.filter(imdb_id=imdb_id).exists():
        errors["imdb_id"] = ValidationError(
            "A movie with this IMDb id already exists.", code="unique"
        )
    if tmdb_id and others.filter(tmdb_id=tmdb_id).exists():
        errors["tmdb_id"] = ValidationError(
            "A movie with this TMDB id already exists.", code="unique"
        )
    if errors:
        raise ValidationError(errors)


def _save_movie(movie: Movie, *, genre_ids, cast_entries, poster_file) -> Movie:
    """Write a validated movie, its genres and cast; map a uniqueness race to its field."""
    stored_poster = ""
    try:
        with transaction.atomic():
            if poster_file is not None:
                stored_poster = store_file(movie.poster, poster_file, field="poster")
            movie.save()
            if genre_ids is not None:
                movie.genres.set(genre_ids)
            if cast_entries is not None:
                Casting.objects.filter(movie=movie).delete()
                Casting.objects.bulk_create(
                    Casting(
                        movie=movie,
                        actor_id=entry.actor_id,
                        character=entry.character,
                        order=entry.order,
                    )
                    for entry in cast_entries
                )
    except IntegrityError as exc:
        if stored_poster:
            delete_quietly(movie.poster.storage, stored_poster)
        # Another request took the id between our check and our insert.
        _check_movie_ids_free(imdb_id=movie.imdb_id, tmdb_id=movie.tmdb_id, exclude_pk=movie.pk)
        raise Conflict(
            "The movie could not be saved because related data changed at the same time; try again."
        ) from exc
    return movie


# --------------------------------------------------------------------------- movies


def movie_create(
    *,
    title: str,
    plot: str = "",
    release_date: datetime.date | str | None = None,
    genre_ids: Iterable[int] = (),
    actor_ids: Iterable[int] | None = None,
    cast: Sequence[CastEntry | Mapping] | None = None,
    imdb_id: str | None = None,
    tmdb_id: int | None = None,
    poster=None,
) -> Movie:
    """Create a movie with its genres and cast.

    `actor_ids` lists actors in billing order; `cast` gives CastEntry objects or dicts
    `{"actor" (or "actor_id"): id, "character": str, "order": int}` — give one of them.
    `poster` is an uploaded file, checked and re-encoded by `clean_image`.
    Errors name `title`, `plot`, `release_date`, `genres`, `actors`, `cast`,
    `imdb_id`, `tmdb_id` or `poster`.
    """
    movie = Movie(
        title=_clean_text(title, field="title", max_length=255, required=True),
        plot=_clean_text(plot, field="plot", max_length=10_000),
        release_date=_clean_date(release_date, field="release_date"),
        imdb_id=_clean_imdb_id(imdb_id),
        tmdb_id=_clean_tmdb_id(tmdb_id),
    )
    genres = _clean_ids(genre_ids, field="genres")
    _require_existing(Genre, genres, field="genres", label="genre")
    cast_entries = _resolve_cast(
        actor_ids=UNSET if actor_ids is None else actor_ids,
        cast=UNSET if cast is None else cast,
    )
    _check_movie_ids_free(imdb_id=movie.imdb_id, tmdb_id=movie.tmdb_id)
    poster_file = clean_image(poster, field="poster") if poster else None
    return _save_movie(
        movie, genre_ids=genres, cast_entries=cast_entries or [], poster_file=poster_file
    )


def movie_update(
    *,
    movie: Movie,
    title: str = UNSET,
    plot: str = UNSET,
    release_date: datetime.date | str | None = UNSET,
    genre_ids: Iterable[int] = UNSET,
    actor_ids: Iterable[int] = UNSET,
    cast: Sequence[CastEntry | Mapping] = UNSET,
    imdb_id: str | None = UNSET,
    tmdb_id: int | None = UNSET,
    poster=UNSET,
) -> Movie:
    """Change the given fields of `movie`; arguments left UNSET keep their values.

    `genre_ids`, `actor_ids` and `cast` replace the whole list when given.
    `poster=None` removes the poster. The derived rating columns are not writable here.
    """
    # Work on a fresh copy so a failed validation leaves the caller's instance intact.
    target = Movie.objects.get(pk=movie.pk)
    if title is not UNSET:
        target.title = _clean_text(title, field="title", max_length=255, required=True)
    if plot is not UNSET:
        target.plot = _clean_text(plot, field="plot", max_length=10_000)
    if release_date is not UNSET:
        target.release_date = _clean_date(release_date, field="release_date")
    if imdb_id is not UNSET:
        target.imdb_id = _clean_imdb_id(imdb_id)
    if tmdb_id is not UNSET:
        target.tmdb_id = _clean_tmdb_id(tmdb_id)
    genres = None
    if genre_ids is not UNSET:
        genres = _clean_ids(genre_ids, field="genres")
        _require_existing(Genre, genres, field="genres", label="genre")
    cast_entries = _resolve_cast(actor_ids=actor_ids, cast=cast)
    _check_movie_ids_free(imdb_id=target.imdb_id, tmdb_id=target.tmdb_id, exclude_pk=target.pk)

    poster_file = None
    old_poster = target.poster.name
    if poster is not UNSET:
        if poster:
            poster_file = clean_image(poster, field="poster")
        else:
            target.poster = ""
    saved = _save_movie(
        target, genre_ids=genres, cast_entries=cast_entries, poster_file=poster_file
    )
    if poster is not UNSET and old_poster and old_poster != saved.poster.name:
        delete_on_commit(saved.poster.storage, old_poster)
    return saved


@transaction.atomic
def movie_delete(*, movie: Movie) -> None:
    """Delete a movie with its cast, reviews and list entries; its poster file goes too."""
    poster_name, storage = movie.poster.name, movie.poster.storage
    movie.delete()
    delete_on_commit(storage, poster_name)


# --------------------------------------------------------------------------- genres


def _genre_name(name, *, exclude_pk=None) -> str:
    name = _clean_text(name, field="name", max_length=50, required=True)
    others = Genre.objects.exclude(pk=exclude_pk) if exclude_pk else Genre.objects.all()
    if others.filter(name__iexact=name).exists():
        raise field_error("name", "A genre with this name already exists.", "unique")
    return name


def _save_genre(genre: Genre) -> Genre:
    try:
        with transaction.atomic():
            genre.save()
    except IntegrityError as exc:
        # The case-insensitive unique constraint caught a concurrent insert.
        raise field_error("name", "A genre with this name already exists.", "unique") from exc
    return genre


def genre_create(*, name: str) -> Genre:
    """Create a genre; names are unique regardless of case (error on `name`)."""
    return _save_genre(Genre(name=_genre_name(name)))


def genre_update(*, genre: Genre, name: str = UNSET) -> Genre:
    """Rename a genre (still unique regardless of case)."""
    target = Genre.objects.get(pk=genre.pk)
    if name is not UNSET:
        target.name = _genre_name(name, exclude_pk=target.pk)
    return _save_genre(target)


@transaction.atomic
def genre_delete(*, genre: Genre) -> None:
    """Delete a genre; movies simply lose it."""
    genre.delete()


# --------------------------------------------------------------------------- actors


def _clean_birth_date(value) -> datetime.date | None:
    birth_date = _clean_date(value, field="birth_date")
    if birth_date and birth_date > datetime.date.today():
        raise field_error("birth_date", "A birth date cannot be in the future.", "future")
    return birth_date


@transaction.atomic
def actor_create(
    *,
    name: str,
    birth_date: datetime.date | str | None = None,
    bio: str = "",
    photo=None,
) -> Actor:
    """Create an actor; `photo` is checked and re-encoded like a poster (error on `photo`)."""
    actor = Actor(
        name=_clean_text(name, field="name", max_length=200, required=True),
        birth_date=_clean_birth_date(birth_date),
        bio=_clean_text(bio, field="bio", max_length=10_000),
    )
    if photo:
        store_file(actor.photo, clean_image(photo, field="photo"), field="photo")
    actor.save()
    return actor


@transaction.atomic
def actor_update(
    *,
    actor: Actor,
    name: str = UNSET,
    birth_date: datetime.date | str | None = UNSET,
    bio: str = UNSET,
    photo=UNSET,
) -> Actor:
    """Change the given fields of an actor; `photo=None` removes the photo."""
    target = Actor.objects.get(pk=actor.pk)
    old_photo = target.photo.name
    if name is not UNSET:
        target.name = _clean_text(name, field="name", max_length=200, required=True)
    if birth_date is not UNSET:
        target.birth_date = _clean_birth_date(birth_date)
    if bio is not UNSET:
        target.bio = _clean_text(bio, field="bio", max_length=10_000)
    if photo is not UNSET:
        if photo:
            store_file(target.photo, clean_image(photo, field="photo"), field="photo")
        else:
            target.photo = ""
    target.save()
    if photo is not UNSET and old_photo and old_photo != target.photo.name:
        delete_on_commit(target.photo.storage, old_photo)
    return target


@transaction.atomic
def actor_delete(*, actor: Actor) -> None:
    """Delete an actor and their castings; the photo file goes too."""
    photo_name, storage = actor.photo.name, actor.photo.storage
    actor.delete()
    delete_on_commit(storage, photo_name)


# --- Reviews -----------------------------------------------------------------------
# Owned by the reviews work (issue 4). Review writes, who may make them, and the one
# function that derives Movie.average_rating / Movie.review_count from the reviews.
#
# Concurrency design (why a row lock and a recompute, not F()-maintained sums):
# every review write first locks its movie row with SELECT ... FOR UPDATE, then
# changes the review, then recomputes COUNT and the rounded average from the reviews
# table in one UPDATE, all in one transaction. Writers of the same movie therefore
# queue on the movie row; the recompute runs after every earlier writer committed, so
# under READ COMMITTED it sees all of them and the stored figures are exact. A
# recompute cannot drift the way an F() sum/count can when one code path forgets to
# maintain it, and it also repairs rows a bulk loader wrote. Its cost is one indexed
# range scan over (movie, rating) per write. On SQLite SELECT ... FOR UPDATE is a
# no-op, but the settings open every transaction with BEGIN IMMEDIATE, which takes the
# database write lock up front and serialises writers just the same.
# The lock is always taken on the movie first, then on review rows, so writers never
# wait for each other in opposite orders (no deadlock).

from collections.abc import Iterable  # noqa: E402
from decimal import Decimal  # noqa: E402
from typing import Any  # noqa: E402

from django.db.models import (  # noqa: E402
    Count,
    ExpressionWrapper,
    FloatField,
    IntegerField,
    OuterRef,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce  # noqa: E402

from movies.models import Movie, Review  # noqa: E402

REVIEW_RATING_MIN = 1
REVIEW_RATING_MAX = 5
REVIEW_TEXT_MAX_LENGTH: int = Review._meta.get_field("text").max_length
# The `code` of the Conflict raised for a second review of the same movie (REST 409
# `duplicate_review`, GraphQL CONFLICT with reason `duplicate_review`).
DUPLICATE_REVIEW = "duplicate_review"
REVIEW_RATING_MESSAGE = "A rating must be a whole number from 1 to 5."
REVIEW_CHANGE_DENIED = "Only the author may change this review."
REVIEW_DELETE_DENIED = "Only the author or staff may delete this review."


def review_can_change(*, review: Review, user) -> bool:
    """Only the author, while active, may change a review."""
    return bool(
        user is not None and user.is_authenticated and user.is_active and review.user_id == user.pk
    )


def review_can_delete(*, review: Review, user) -> bool:
    """The author or any active staff member may delete a review."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (review.user_id == user.pk or user.is_staff)
    )


def review_require_change(*, review: Review, user) -> None:
    """Raise Forbidden unless `user` may change `review` (checked before its values)."""
    if not review_can_change(review=review, user=user):
        raise Forbidden(REVIEW_CHANGE_DENIED)


def _duplicate_review_error() -> Conflict:
    return Conflict(
        "You have already reviewed this movie; edit or delete that review instead.",
        code=DUPLICATE_REVIEW,
    )


def _review_clean_rating(rating: Any) -> int:
    # bool is an int subclass; a float like 4.0 is accepted only when it is whole.
    if isinstance(rating, bool) or not isinstance(rating, (int, float, Decimal)):
        raise field_error("rating", REVIEW_RATING_MESSAGE, "invalid")
    if rating != int(rating):
        raise field_error("rating", REVIEW_RATING_MESSAGE, "invalid")
    rating = int(rating)
    if not REVIEW_RATING_MIN <= rating <= REVIEW_RATING_MAX:
        code = "min_value" if rating < REVIEW_RATING_MIN else "max_value"
        raise field_error("rating", REVIEW_RATING_MESSAGE, code)
    return rating


def _review_clean_text(text: Any) -> str:
    if not isinstance(text, str):
        raise field_error("text", "The text must be a string.", "invalid")
    if len(text) > REVIEW_TEXT_MAX_LENGTH:
        raise field_error(
            "text",
            f"The text may have at most {REVIEW_TEXT_MAX_LENGTH} characters (it has {len(text)}).",
            "max_length",
        )
    return text


def _review_clean_movie_id(movie_id: Any) -> int:
    try:
        value = int(str(movie_id).strip())
    except (TypeError, ValueError):
        value = 0
    if isinstance(movie_id, bool) or not 1 <= value <= MAX_DB_ID:
        raise NotFound.of("movie", movie_id)
    return value


def _review_require_author(user) -> None:
    if user is None or not user.is_authenticated:
        raise Unauthenticated()
    if not user.is_active:
        raise Forbidden("Only active accounts may write reviews.")


def _review_show_new_rating(review: Review) -> None:
    """Mutations answer with the state after the change: refresh a loaded movie's figures."""
    if Review.movie.is_cached(review):
        review.movie.refresh_from_db(fields=["average_rating", "review_count"])


def _movie_lock(movie_id: int) -> Movie | None:
    """Lock the movie row for the rest of the transaction; None when there is no movie."""
    locked = Movie.objects.select_for_update().only("id", "title").filter(pk=movie_id)
    return next(iter(locked.order_by()), None)


def _review_exists(*, user_id: int, movie_id: int) -> bool:
    return Review.objects.filter(user_id=user_id, movie_id=movie_id).exists()


def _movie_ratings_update(movies) -> int:
    """THE rating formula: one UPDATE of `movies` with two correlated subqueries.

    average_rating = round_half_up(SUM / COUNT, 2), computed on integers in SQL as
    (200 * SUM + COUNT) DIV (2 * COUNT) hundredths, so SQLite's float AVG and its
    ROUND (which is not half-up for values like 2.005) never enter; 0 without reviews.
    Callers must hold the movie rows' locks (see the design note above).
    """
    reviews = Review.objects.filter(movie=OuterRef("pk")).order_by().values("movie")
    count = reviews.annotate(n=Count("*")).values("n")
    hundredths = reviews.annotate(
        h=ExpressionWrapper(
            (Sum("rating") * 200 + Count("*")) / (Count("*") * 2), output_field=IntegerField()
        )
    ).values("h")
    return movies.order_by().update(
        review_count=Coalesce(Subquery(count, output_field=IntegerField()), 0),
        average_rating=ExpressionWrapper(
            Coalesce(Subquery(hundredths, output_field=IntegerField()), 0)
            / Value(100.0, output_field=FloatField()),
            output_field=FloatField(),
        ),
    )


def movie_ratings_recompute(*, movie_ids: Iterable[int] | None = None) -> int:
    """Recompute average_rating and review_count of these movies (all when None).

    For bulk loaders after inserting reviews with bulk_create: one locking SELECT (in
    id order, so two recomputes cannot deadlock) and one set-based UPDATE, whatever the
    number of movies. Returns the number of movies updated.
    """
    movies = Movie.objects.all()
    if movie_ids is not None:
        movies = movies.filter(pk__in=list(movie_ids))
    with transaction.atomic():
        # Locking first means the UPDATE's snapshot includes every review write that
        # was in flight on these movies (they hold the lock until they commit).
        list(movies.select_for_update().order_by("pk").values_list("pk", flat=True))
        return _movie_ratings_update(movies)


def review_create(*, user, movie_id: int, rating: int, text: str = "") -> Review:
    """Create the caller's review of a movie (active users; one per user per movie)."""
    _review_require_author(user)
    movie_id = _review_clean_movie_id(movie_id)
    rating = _review_clean_rating(rating)
    text = _review_clean_text(text)
    try:
        with transaction.atomic():
            movie = _movie_lock(movie_id)
            if movie is None:
                raise NotFound.of("movie", movie_id)
            # Race-free under the movie lock: a concurrent create for this movie waits.
            if _review_exists(user_id=user.pk, movie_id=movie_id):
                raise _duplicate_review_error()
            review = Review.objects.create(user=user, movie=movie, rating=rating, text=text)
            _movie_ratings_update(Movie.objects.filter(pk=movie_id))
    except IntegrityError as exc:
        # Only a writer that skipped the movie lock (e.g. a raw bulk insert) can beat
        # the check above; the unique constraint still holds and means the same thing.
        if _review_exists(user_id=user.pk, movie_id=movie_id):
            raise _duplicate_review_error() from exc
        raise
    # The locked movie was loaded without its figures, so reading them shows the new ones.
    return review


def review_update(
    *, review: Review, user, rating: int | None = None, text: str | None = None
) -> Review:
    """Change the author's own review; marks it edited when something changed."""
    review_require_change(review=review, user=user)
    changes: dict[str, Any] = {}
    if rating is not None:
        changes["rating"] = _review_clean_rating(rating)
    if text is not None:
        changes["text"] = _review_clean_text(text)
    with transaction.atomic():
        _movie_lock(review.movie_id)
        current = Review.objects.filter(pk=review.pk).values("rating", "text").first()
        if current is None:
            raise NotFound.of("review", review.pk)
        changed = [name for name, value in changes.items() if current[name] != value]
        review.rating, review.text = current["rating"], current["text"]
        if changed:
            for name in changed:
                setattr(review, name, changes[name])
            review.is_edited = True
            review.save(update_fields=[*changed, "is_edited", "updated_at"])
            if "rating" in changed:
                _movie_ratings_update(Movie.objects.filter(pk=review.movie_id))
    _review_show_new_rating(review)
    return review


def review_delete(*, review: Review, user) -> None:
    """Delete a review (its author or staff) and update the movie's rating."""
    if not review_can_delete(review=review, user=user):
        raise Forbidden(REVIEW_DELETE_DENIED)
    with transaction.atomic():
        _movie_lock(review.movie_id)
        deleted, _ = Review.objects.filter(pk=review.pk).delete()
        if not deleted:
            raise NotFound.of("review", review.pk)
        _movie_ratings_update(Movie.objects.filter(pk=review.movie_id))
