"""Reads of accounts. REST and GraphQL get their querysets from here."""

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from movies.selectors import actors_in_billing_order
from users.models import MovieListEntry, User


def movie_list_entries(*, user: User, kind: str) -> QuerySet[MovieListEntry]:
    """One of the user's lists, newest first, with each movie's genres and actors loaded."""
    actors = actors_in_billing_order()
    return (
        MovieListEntry.objects.of(user, kind)
        .newest_first()
        .select_related("movie")
        .prefetch_related(
            "movie__genres", Prefetch(f"movie__{actors.prefetch_through}", queryset=actors.queryset)
        )
    )


def profile_list(*, viewer: User) -> QuerySet[User]:
    """Profiles the viewer may see: all for staff, only their own for everyone else.

    The list entries are prefetched once, so the id lists cost one query per page. The
    id lists read in the order the movies were added (a list sent whole keeps its order).
    """
    queryset = User.objects.all() if viewer.is_staff else User.objects.filter(pk=viewer.pk)
    return queryset.order_by("id").prefetch_related(
        Prefetch(
            "movie_list_entries",
            queryset=MovieListEntry.objects.in_added_order().only(
                "id", "user_id", "movie_id", "kind", "added_at"
            ),
        )
    )


# The account export (GET /api/users/me/export/, GraphQL `me { export }`); the format is
# documented in docs/account-export.md. Bump the version when a field changes meaning.
EXPORT_FORMAT = "movie-api.account-export"
EXPORT_VERSION = 1


def _iso(value) -> str | None:
    """ISO 8601 in UTC with a `Z`, as the REST API writes dates."""
    if value is None:
        return None
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _movie_ref(movie) -> dict:
    return {
        "id": movie.pk,
        "title": movie.title,
        "year": movie.release_date.year if movie.release_date else None,
        "imdb_id": movie.imdb_id or None,
        "tmdb_id": movie.tmdb_id,
    }


def account_export(*, user: User) -> dict:
    """Everything the account holds, as one JSON-ready document (three queries)."""
    from movies.models import Review

    entries = (
        MovieListEntry.objects.filter(user=user)
        .select_related("movie")
        .order_by("kind", "added_at", "id")
    )
    lists = {kind: [] for kind in MovieListEntry.Kind.values}
    for entry in entries:
        lists[entry.kind].append(
            {"movie": _movie_ref(entry.movie), "added_at": _iso(entry.added_at)}
        )
    reviews = Review.objects.filter(user=user).select_related("movie").order_by("created_at", "id")
    profile = User.objects.get(pk=user.pk)
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": _iso(timezone.now()),
        "profile": {
            "id": profile.pk,
            "username": profile.username,
            "email": profile.email,
            "phone_number": profile.phone_number,
            "phone_verified_at": _iso(profile.phone_verified_at),
            "bio": profile.bio,
            "profile_picture": profile.profile_picture.url if profile.profile_picture else None,
            "date_joined": _iso(profile.date_joined),
            "last_login": _iso(profile.last_login),
            "is_staff": profile.is_staff,
        },
        "lists": lists,
        "reviews": [
            {
                "id": review.pk,
                "movie": _movie_ref(review.movie),
                "rating": review.rating,
                "text": review.text,
                "is_edited": review.is_edited,
                "created_at": _iso(review.created_at),
                "updated_at": _iso(review.updated_at),
            }
            for review in reviews
        ],
    }
