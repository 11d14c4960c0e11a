"""The account export: everything an account holds, as one JSON document.

GET /api/users/me/export/ and GraphQL `me { export }` both answer with it; it spans
the profile (users), the lists (this app) and the reviews (movies), so it lives here.
An app above this one adds its own key (`register_export_section`): the diary adds
`diary` (diary/apps.py), so this app never imports it.
"""

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from lists.models import MovieListEntry, UserList, UserListItem
from movies.models import Review
from users.models import User

# The account export (GET /api/users/me/export/, GraphQL `me { export }`); the format is
# documented in docs/account-export.md. Bump the version when a field changes meaning.
EXPORT_FORMAT = "movie-api.account-export"
EXPORT_VERSION = 1


# key -> (build(user) -> JSON-ready value, document() -> its DRF serializer or None).
_SECTIONS: dict[str, tuple[Callable[[Any], Any], Callable[[], Any] | None]] = {}


def register_export_section(
    name: str, build: Callable[[Any], Any], *, document: Callable[[], Any] | None = None
) -> None:
    """Add `name` to every export: `build(user)` gives its value, `document()` the DRF
    serializer that documents it (lists/api/serializers.py AccountExportSerializer)."""
    _SECTIONS[name] = (build, document)


def export_sections() -> dict[str, tuple[Callable[[Any], Any], Callable[[], Any] | None]]:
    return dict(_SECTIONS)


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


def _user_lists(user) -> list[dict]:
    """The lists the user made, oldest first, each with its movies by position (two
    queries whatever their number)."""
    lists = list(UserList.objects.filter(owner=user).order_by("created_at", "id"))
    items: dict[int, list[dict]] = {user_list.pk: [] for user_list in lists}
    rows = UserListItem.objects.filter(list__owner=user).select_related("movie")
    for item in rows.order_by("list_id", "position"):
        items[item.list_id].append(
            {
                "position": item.position,
                "movie": _movie_ref(item.movie),
                "note": item.note,
                "added_at": _iso(item.added_at),
            }
        )
    return [
        {
            "name": user_list.name,
            "description": user_list.description,
            "is_public": user_list.is_public,
            "is_ranked": user_list.is_ranked,
            "created_at": _iso(user_list.created_at),
            "updated_at": _iso(user_list.updated_at),
            "items": items[user_list.pk],
        }
        for user_list in lists
    ]


def account_export(*, user) -> dict:
    """Everything the account holds, as one JSON-ready document (five queries, and
    those of the sections other apps add)."""
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
        "user_lists": _user_lists(user),
        "reviews": [
            {
                "id": review.pk,
                "movie": _movie_ref(review.movie),
                "rating": float(review.rating),
                "text": review.text,
                "is_edited": review.is_edited,
                "created_at": _iso(review.created_at),
                "updated_at": _iso(review.updated_at),
            }
            for review in reviews
        ],
        **{name: build(user) for name, (build, _) in _SECTIONS.items()},
    }
