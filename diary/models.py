"""Each user's diary: one dated row per watch of a movie (rewatches included)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.caching.invalidation import InvalidatingQuerySet
from movies.models import RATINGS

# The longest tag, in characters (Letterboxd's tags are short words or phrases).
TAG_MAX_LENGTH = 50


class DiaryEntryQuerySet(InvalidatingQuerySet):
    """Read rules for diary entries."""

    def of(self, user):
        return self.filter(user=user)

    def newest_first(self):
        """The diary's order: the latest watch first; two watches of one day, the one
        logged last first."""
        return self.order_by("-watched_on", "-id")


class DiaryEntry(models.Model):
    """One watch of one movie by one user, on a date (a rewatch is another entry)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="diary_entries"
    )
    movie = models.ForeignKey(
        "movies.Movie", on_delete=models.CASCADE, related_name="diary_entries"
    )
    watched_on = models.DateField()
    rewatch = models.BooleanField(default=False)
    # Half stars (movies.models.RATINGS), or none: a watch need not be rated.
    rating = models.DecimalField(max_digits=2, decimal_places=1, null=True, blank=True)
    liked = models.BooleanField(default=False)
    # The review written about this watch; the entry outlives the review's deletion.
    review = models.ForeignKey(
        "movies.Review",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="diary_entries",
    )
    # A default rather than auto_now_add, so an import can keep the source's time.
    created_at = models.DateTimeField(default=timezone.now)

    objects = DiaryEntryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "diary entries"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__in=RATINGS),
                name="diary_rating_half_steps",
            ),
        ]
        indexes = [
            # The diary page (newest first, cursor on watched_on + id) and its year/month
            # filters, which are ranges of watched_on.
            models.Index(fields=["user", "-watched_on", "-id"], name="diary_user_watched_idx"),
            # A movie's watches (watch_count, last_watched_on, rewatch), and the import's
            # key (movie, watched_on).
            models.Index(fields=["user", "movie", "watched_on"], name="diary_user_movie_idx"),
        ]

    def __str__(self):
        return f"{self.user_id} watched {self.movie_id} on {self.watched_on}"

    @property
    def tag_names(self) -> list[str]:
        """The tags' names (from the selectors' prefetch, in name order)."""
        return [tag.name for tag in self.tags.all()]


class DiaryTag(models.Model):
    """One tag of one diary entry. A row per tag, not a JSON list: `?tag=` is an indexed
    equality join on SQLite and PostgreSQL alike (JSON containment is PostgreSQL-only)."""

    entry = models.ForeignKey(DiaryEntry, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=TAG_MAX_LENGTH)

    objects = InvalidatingQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "name"], name="diary_tag_unique"),
        ]
        indexes = [models.Index(fields=["name", "entry"], name="diary_tag_name_idx")]

    def __str__(self):
        return self.name
