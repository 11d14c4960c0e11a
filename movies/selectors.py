"""Reads of the catalog. Both REST and GraphQL get their querysets from here."""

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum

from movie_api.ids import to_db_id
from movies.filters import ActorFilterSet, GenreFilterSet, MovieFilterSet
from movies.models import Actor, Genre, Movie, Review


def apply_filterset(filterset_class, *, filters: Mapping | None, queryset: QuerySet) -> QuerySet:
    """Run `filterset_class` over `queryset`; an invalid value raises ValidationError.

    The error is keyed by the filter's name (e.g. `min_rating`, `ordering`), so each
    API can report which argument was wrong. Unknown keys (`page`, ...) are ignored.
    """
    if not filters or not any(name in filterset_class.base_filters for name in filters):
        # Nothing to filter: building and validating the FilterSet would only cost time.
        return queryset
    filterset = filterset_class(data=filters, queryset=queryset)
    if not filterset.is_valid():
        raise ValidationError(filterset.form.errors.as_data())
    return filterset.qs


def actors_in_billing_order(*, refs_only: bool = False) -> Prefetch:
    """Prefetch of `Movie.actors` in billing order, each actor carrying its casting.

    One query yields both the `actors` list and the cast: every prefetched actor has
    `character` and `billing_order` from its Casting row (the through-table join of
    the prefetch is reused, so no row is duplicated). With `refs_only` the actors carry
    only `id` and `name`.
    """
    queryset = Actor.objects.annotate(
        character=F("castings__character"), billing_order=F("castings__order")
    ).order_by("castings__order", "castings__id")
    if refs_only:
        queryset = queryset.only("id", "name")
    return Prefetch("actors", queryset=queryset)


def movie_queryset(*, refs_only: bool = False) -> QuerySet[Movie]:
    """All movies with genres and actors (in billing order) prefetched: 2 queries a page.

    `refs_only`: the related genres and actors load only `id` and `name` (all the REST
    shapes show) into the lists `movie.genre_refs` and `movie.actor_refs` (billing
    order, with `character` and `billing_order`), which skips most of the per-row model,
    manager and datetime work. Leave it off where other fields of them may be read.
    """
    if refs_only:
        # Plain lists (`genre_refs`, `actor_refs`): cheaper than filling related managers.
        actors = actors_in_billing_order(refs_only=True).queryset
        return Movie.objects.prefetch_related(
            Prefetch("genres", queryset=Genre.objects.only("id", "name"), to_attr="genre_refs"),
            Prefetch("actors", queryset=actors, to_attr="actor_refs"),
        )
    return Movie.objects.prefetch_related("genres", actors_in_billing_order())


def movie_list(*, filters: Mapping | None = None, refs_only: bool = False) -> QuerySet[Movie]:
    """Movies matching `filters` (the names of MovieFilterSet), relations prefetched.

    Raises ValidationError naming the filter when a value is invalid. Default order is
    newest first; any `ordering` ends with an id tie-break, so pages are stable.
    `refs_only` as in `movie_queryset`.
    """
    return apply_filterset(
        MovieFilterSet, filters=filters, queryset=movie_queryset(refs_only=refs_only)
    )


def movie_get(*, movie_id, lookups: list | None = None) -> Movie | None:
    """One movie with its relations prefetched, or None (also for a malformed id).

    `lookups` replaces the default prefetches (genres, actors) with the caller's own.
    """
    pk = to_db_id(movie_id)
    if pk is None:
        return None
    queryset = movie_queryset() if lookups is None else Movie.objects.prefetch_related(*lookups)
    # One row by primary key: no ORDER BY (`.first()` would add the default ordering).
    return next(iter(queryset.filter(pk=pk).order_by()[:1]), None)


def movie_review_stats(*, movie) -> dict:
    """Review summary of one movie in ONE query.

    Returns {"total": int, "average": float, "counts": {"1": n, ..., "5": n}}; every
    bucket is present, zeros included. `average` is 0.0 without reviews (like the
    movie's `average_rating`), otherwise rounded half-up to two decimals.
    """
    aggregates = Review.objects.filter(movie=movie).aggregate(
        total=Count("id"),
        rating_sum=Sum("rating"),
        **{f"r{stars}": Count("id", filter=Q(rating=stars)) for stars in range(1, 6)},
    )
    total = aggregates["total"]
    average = 0.0
    if total:
        average = float(
            (Decimal(aggregates["rating_sum"]) / Decimal(total)).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP
            )
        )
    return {
        "total": total,
        "average": average,
        "counts": {str(stars): aggregates[f"r{stars}"] for stars in range(1, 6)},
    }


def genre_list(*, filters: Mapping | None = None) -> QuerySet[Genre]:
    """Genres matching `filters` (GenreFilterSet: `name`), by name."""
    return apply_filterset(GenreFilterSet, filters=filters, queryset=Genre.objects.all())


def genre_get(*, genre_id) -> Genre | None:
    """One genre, or None (also for a malformed id)."""
    pk = to_db_id(genre_id)
    return None if pk is None else Genre.objects.filter(pk=pk).first()


def actor_list(*, filters: Mapping | None = None) -> QuerySet[Actor]:
    """Actors matching `filters` (ActorFilterSet: `name`), by name."""
    return apply_filterset(ActorFilterSet, filters=filters, queryset=Actor.objects.all())


def actor_get(*, actor_id) -> Actor | None:
    """One actor, or None (also for a malformed id)."""
    pk = to_db_id(actor_id)
    return None if pk is None else Actor.objects.filter(pk=pk).first()


# --- Reviews -----------------------------------------------------------------------
# Owned by the reviews work (issue 4).

from typing import Any  # noqa: E402

from movies.filters import ReviewFilterSet  # noqa: E402


def review_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[Review]:
    """Reviews matching `filters` (ReviewFilterSet names), authors and movies joined.

    One query per page whatever its size (user and movie come in the same SELECT).
    Without `ordering` the order is newest first with an id tie-break. An invalid
    filter value raises ValidationError keyed by the filter's name.
    """
    queryset = apply_filterset(
        ReviewFilterSet, filters=filters, queryset=Review.objects.with_relations()
    )
    if not queryset.query.order_by:
        queryset = queryset.order_by("-created_at", "-id")
    return queryset


def review_get(*, review_id: Any) -> Review | None:
    """One review with its author and movie, or None (also for a malformed id)."""
    review_id = to_db_id(review_id)
    if review_id is None:
        return None
    return Review.objects.with_relations().filter(pk=review_id).first()
