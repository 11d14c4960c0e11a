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
