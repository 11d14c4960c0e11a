"""Accounts: the custom user model and each user's movie lists."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower


class User(AbstractUser):
    """A person with an account; inactive until the phone number is verified."""

    email = models.EmailField("email address")
    # E.164 (e.g. +14155550123). Null, not "", so staff created without a phone
    # do not collide on the unique constraint.
    phone_number = models.CharField(max_length=16, unique=True, null=True, blank=True)
    phone_verified_at = models.DateTimeField(null=True, blank=True)
    bio = models.TextField(blank=True, max_length=2000)
    profile_picture = models.ImageField(upload_to="profiles/", blank=True)

    objects = UserManager()

    REQUIRED_FIELDS = ["email"]

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
        ]


class MovieListQuerySet(models.QuerySet):
    """Read rules for the favorite / watched / watchlist entries."""

    def of(self, user, kind):
        return self.filter(user=user, kind=kind)

    def newest_first(self):
        return self.order_by("-added_at", "-id")


class MovieListEntry(models.Model):
    """One movie on one of a user's lists (favorites, watched, watchlist)."""

    class Kind(models.TextChoices):
        FAVORITE = "favorite", "Favorite"
        WATCHED = "watched", "Watched"
        WATCHLIST = "watchlist", "Watchlist"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="movie_list_entries")
    movie = models.ForeignKey(
        "movies.Movie", on_delete=models.CASCADE, related_name="list_entries"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    added_at = models.DateTimeField(auto_now_add=True)

    objects = MovieListQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "movie"], name="movie_list_entry_unique"
            ),
        ]
        indexes = [models.Index(fields=["user", "kind", "-added_at"])]

    def __str__(self):
        return f"{self.user_id} {self.kind} {self.movie_id}"
