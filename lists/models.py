"""Each user's movie lists: favorites, watched, watchlist."""

from django.conf import settings
from django.db import models

from core.caching.invalidation import InvalidatingQuerySet


class MovieListQuerySet(InvalidatingQuerySet):
    """Read rules for the favorite / watched / watchlist entries."""

    def of(self, user, kind):
        return self.filter(user=user, kind=kind)

    def newest_first(self):
        return self.order_by("-added_at", "-id")

    def in_list_order(self):
        """The order of the list: a whole list sent as [5, 8, 1] reads back as [5, 8, 1],
        also when 1 and 8 were already on it; a movie added alone comes last."""
        return self.order_by("position", "added_at", "id")


class MovieListEntry(models.Model):
    """One movie on one of a user's lists (favorites, watched, watchlist)."""

    class Kind(models.TextChoices):
        FAVORITE = "favorite", "Favorite"
        WATCHED = "watched", "Watched"
        WATCHLIST = "watchlist", "Watchlist"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="movie_list_entries"
    )
    movie = models.ForeignKey("movies.Movie", on_delete=models.CASCADE, related_name="list_entries")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    added_at = models.DateTimeField(auto_now_add=True)
    # The place on the list, from 0. A list sent whole is numbered in the order sent; a
    # movie added alone goes after the last. Two adds at once may share a number: the
    # earlier one reads first (added_at, id).
    position = models.PositiveIntegerField(default=0)

    objects = MovieListQuerySet.as_manager()

    class Meta:
        # The table and index keep the names they had when the model lived in `users`,
        # so databases created before the move keep their rows (lists/migrations/0001).
        db_table = "users_movielistentry"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "movie"], name="movie_list_entry_unique"
            ),
        ]
        indexes = [
            models.Index(
                fields=["user", "kind", "-added_at"], name="users_movie_user_id_f9fc69_idx"
            )
        ]

    def __str__(self):
        return f"{self.user_id} {self.kind} {self.movie_id}"


# Lists of one's own (the README's "Lists"). The limits are declared here, once: the
# services refuse past them naming the figure, and the README and the OpenAPI texts
# quote these names.
MAX_LISTS_PER_USER = 100
MAX_ITEMS_PER_LIST = 5000
LIST_NAME_MAX_LENGTH = 100
LIST_DESCRIPTION_MAX_LENGTH = 2000
ITEM_NOTE_MAX_LENGTH = 1000


class UserListQuerySet(InvalidatingQuerySet):
    """Read rules for the lists users make. Anonymous answers that show lists are cached
    (lists/apps.py watches the model): its set-based writes bump like a save()."""

    def visible_to(self, user):
        """Public lists, and the caller's own (private ones too)."""
        if user is None or not user.is_authenticated:
            return self.filter(is_public=True)
        return self.filter(models.Q(is_public=True) | models.Q(owner=user))

    def newest_first(self):
        return self.order_by("-updated_at", "-id")


class UserList(models.Model):
    """A list a user makes of movies: named, public or private, ranked or not."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="user_lists"
    )
    name = models.CharField(max_length=LIST_NAME_MAX_LENGTH)
    description = models.TextField(blank=True, max_length=LIST_DESCRIPTION_MAX_LENGTH)
    is_public = models.BooleanField(default=True)
    # Ranked: the positions are a ranking (1 is the best); otherwise only an order.
    is_ranked = models.BooleanField(default=False)
    # How many items the list holds: kept by the services under the list's row lock,
    # so a page needs no COUNT and the limit check no scan.
    item_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UserListQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["owner", "-updated_at"], name="user_list_owner_idx"),
            models.Index(
                fields=["-updated_at", "-id"],
                name="user_list_public_idx",
                condition=models.Q(is_public=True),
            ),
        ]

    def __str__(self):
        return self.name


class UserListItem(models.Model):
    """One movie on a user's list, at a position 1..n (no gaps, no repeats)."""

    list = models.ForeignKey(UserList, on_delete=models.CASCADE, related_name="items")
    movie = models.ForeignKey(
        "movies.Movie", on_delete=models.CASCADE, related_name="user_list_items"
    )
    note = models.TextField(blank=True, max_length=ITEM_NOTE_MAX_LENGTH)
    position = models.PositiveIntegerField()
    added_at = models.DateTimeField(auto_now_add=True)

    # A move shifts the others with update(): it must bump like a save() (lists/apps.py).
    objects = InvalidatingQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["list", "movie"], name="user_list_item_unique"),
        ]
        indexes = [
            # The list's pages (by position) and "lists containing this movie".
            models.Index(fields=["list", "position"], name="user_list_item_position_idx"),
            models.Index(fields=["movie", "list"], name="user_list_item_movie_idx"),
        ]

    def __str__(self):
        return f"{self.list_id} #{self.position} {self.movie_id}"
