"""Catalog: genres, actors, movies with their cast, ratings and reviews."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower

from core.caching.invalidation import InvalidatingQuerySet

# The one rating scale, half stars from 0.5 to 5.0 (whole numbers are among them): the
# rating constraint, services, filters, serializers and GraphQL descriptions read it here.
RATING_STEP = Decimal("0.5")
RATING_MIN = Decimal("0.5")
RATING_MAX = Decimal("5.0")
RATINGS = tuple(RATING_STEP * halves for halves in range(1, 11))  # 0.5, 1.0, ... 5.0


# The longest runtime a movie may have, in minutes (the longest released films run
# for days; 1,000 keeps typos such as 1200 for 120 out).
RUNTIME_MAX = 1_000

# TMDB's crew departments and, for each, the jobs this catalog knows; a credit's job
# must be one of its department's (TMDB's /configuration/jobs, abridged to the common
# ones; add a job here and every door, filter and importer takes it).
DEPARTMENTS = {
    "Directing": ("Director", "Co-Director", "Assistant Director"),
    "Writing": ("Screenplay", "Writer", "Story", "Novel", "Characters", "Author"),
    "Production": ("Producer", "Executive Producer", "Co-Producer", "Casting"),
    "Camera": ("Director of Photography", "Camera Operator"),
    "Editing": ("Editor",),
    "Sound": ("Original Music Composer", "Music", "Sound Designer", "Music Supervisor"),
    "Art": ("Production Design", "Art Direction", "Set Decoration"),
    "Costume & Make-Up": ("Costume Design", "Makeup Artist"),
    "Visual Effects": ("Visual Effects Supervisor",),
    "Crew": ("Stunt Coordinator",),
    "Lighting": ("Gaffer",),
}
# known_for_department also takes Acting (TMDB's department of the cast).
PERSON_DEPARTMENTS = ("Acting", *DEPARTMENTS)


def rating_bucket(value: Decimal) -> str:
    """The column suffix and the stats key of a rating: 3.5 -> "3_5"."""
    return f"{value:.1f}".replace(".", "_")


# The movie's rating statistics (movies.services.ratings writes them).
RATING_STATS_FIELDS = (
    "average_rating",
    "rating_count",
    "review_count",
    "rating_halves",
    *(f"ratings_{rating_bucket(value)}" for value in RATINGS),
)


class Genre(models.Model):
    """A genre such as Drama; names are unique regardless of case."""

    name = models.CharField(max_length=50)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Cached answers read every catalog table: set-based writes bump too.
    objects = InvalidatingQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(Lower("name"), name="genre_name_ci_unique")]

    def __str__(self):
        return self.name


class Actor(models.Model):
    """A person of the catalog: in a movie's cast, its crew, or both.

    The model keeps the name it had when it held only actors, so `/api/movies/actors/`,
    `allActors` and `actor(id)` stay the people's routes.
    """

    name = models.CharField(max_length=200, db_index=True)
    birth_date = models.DateField(null=True, blank=True)
    death_date = models.DateField(null=True, blank=True)
    place_of_birth = models.CharField(max_length=200, blank=True)
    bio = models.TextField(blank=True, max_length=10_000)
    photo = models.ImageField(upload_to="actors/", blank=True)
    imdb_id = models.CharField(
        max_length=12,
        unique=True,
        null=True,
        blank=True,
        validators=[RegexValidator(r"^nm\d{7,10}$", "IMDb person ids look like nm0000206.")],
    )
    tmdb_id = models.PositiveIntegerField(unique=True, null=True, blank=True)
    # TMDB's department names (Acting, Directing, Writing, Sound, ...): DEPARTMENTS.
    known_for_department = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InvalidatingQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(death_date__isnull=True)
                | models.Q(birth_date__isnull=True)
                | models.Q(death_date__gte=models.F("birth_date")),
                name="actor_death_after_birth",
            ),
        ]

    def __str__(self):
        return self.name


class Keyword(models.Model):
    """A keyword such as "time travel" (TMDB's keywords); names are unique regardless
    of case."""

    name = models.CharField(max_length=100)

    objects = InvalidatingQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(Lower("name"), name="keyword_name_ci_unique")]

    def __str__(self):
        return self.name


class Movie(models.Model):
    """A movie in the catalog; rating columns are derived from its reviews."""

    title = models.CharField(max_length=255, db_index=True)
    plot = models.TextField(blank=True, max_length=10_000)
    release_date = models.DateField(null=True, blank=True, db_index=True)
    poster = models.ImageField(upload_to="posters/", blank=True)
    imdb_id = models.CharField(
        max_length=12,
        unique=True,
        null=True,
        blank=True,
        validators=[RegexValidator(r"^tt\d{7,10}$", "IMDb ids look like tt0133093.")],
    )
    tmdb_id = models.PositiveIntegerField(unique=True, null=True, blank=True)
    # The running time in minutes; null when unknown.
    runtime = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(RUNTIME_MAX)]
    )
    genres = models.ManyToManyField(Genre, related_name="movies", blank=True)
    keywords = models.ManyToManyField(Keyword, related_name="movies", blank=True)
    actors = models.ManyToManyField(Actor, through="Casting", related_name="movies", blank=True)
    # Rating statistics, derived from the ratings (and the review count from the reviews)
    # by movies.services.ratings in the same transaction as every rating or review write;
    # reads use them as they are (no aggregate). No rating: average_rating is NULL.
    average_rating = models.DecimalField(
        max_digits=3, decimal_places=2, null=True, db_index=True, editable=False
    )
    rating_count = models.PositiveIntegerField(default=0, editable=False)
    review_count = models.PositiveIntegerField(default=0, db_index=True, editable=False)
    # The sum of the ratings in half stars (3.5 counts 7): whole numbers keep it exact.
    rating_halves = models.PositiveIntegerField(default=0, editable=False)
    # Ratings per value (the detail's distribution); one column per value of RATINGS.
    ratings_0_5 = models.PositiveIntegerField(default=0, editable=False)
    ratings_1_0 = models.PositiveIntegerField(default=0, editable=False)
    ratings_1_5 = models.PositiveIntegerField(default=0, editable=False)
    ratings_2_0 = models.PositiveIntegerField(default=0, editable=False)
    ratings_2_5 = models.PositiveIntegerField(default=0, editable=False)
    ratings_3_0 = models.PositiveIntegerField(default=0, editable=False)
    ratings_3_5 = models.PositiveIntegerField(default=0, editable=False)
    ratings_4_0 = models.PositiveIntegerField(default=0, editable=False)
    ratings_4_5 = models.PositiveIntegerField(default=0, editable=False)
    ratings_5_0 = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InvalidatingQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # `ordering=-average_rating` ends with the id tie-break; thousands of movies
            # share the top rating, and an index on the rating alone made PostgreSQL
            # read and sort that whole tie group for every page: at 100,000 movies a
            # page took 19.5 ms, and 0.06 ms with this index (docs/performance.md).
            models.Index(fields=["average_rating", "id"], name="movie_rating_id_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(average_rating__gte=RATING_MIN)
                & models.Q(average_rating__lte=RATING_MAX),
                name="movie_average_rating_range",
            ),
        ]

    def __str__(self):
        return self.title

    def rating_counts(self) -> dict[str, int]:
        """Ratings per value as `{"0.5": n, "1.0": n, ..., "5.0": n}`, zeros included."""
        return {
            f"{value:.1f}": getattr(self, f"ratings_{rating_bucket(value)}") for value in RATINGS
        }


class Casting(models.Model):
    """An actor's part in a movie: the character and the billing order."""

    movie = models.ForeignKey(Movie, on_delete=models.CASCADE, related_name="castings")
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="castings")
    character = models.CharField(max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects = InvalidatingQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["movie", "actor"], name="casting_unique"),
        ]

    def __str__(self):
        return f"{self.actor} as {self.character or '?'} in {self.movie}"


class CrewCredit(models.Model):
    """A person's job on a movie's crew (Directing / Director, Sound / Original Music
    Composer, ...); a person may hold several jobs on one movie, each once."""

    movie = models.ForeignKey(Movie, on_delete=models.CASCADE, related_name="crew_credits")
    person = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="crew_credits")
    department = models.CharField(max_length=40)
    job = models.CharField(max_length=60)
    # The order the credits were written in (the movie's crew reads in this order).
    order = models.PositiveSmallIntegerField(default=0)

    objects = InvalidatingQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["movie", "person", "job"], name="crew_credit_unique"),
        ]
        indexes = [models.Index(fields=["person", "movie"]), models.Index(fields=["job", "person"])]

    def __str__(self):
        return f"{self.person} ({self.job}) on {self.movie}"


class ReviewQuerySet(InvalidatingQuerySet):
    """Read rules for reviews."""

    def with_relations(self):
        return self.select_related("user", "movie")


class Rating(models.Model):
    """A user's rating of a movie, in half stars; one per user per movie, with or without
    a review (a review's `rating` is this row's value)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ratings"
    )
    movie = models.ForeignKey(Movie, on_delete=models.CASCADE, related_name="ratings")
    value = models.DecimalField(max_digits=2, decimal_places=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InvalidatingQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "movie"], name="rating_one_per_user_movie"),
            models.CheckConstraint(condition=models.Q(value__in=RATINGS), name="rating_half_steps"),
        ]
        indexes = [models.Index(fields=["movie", "value"])]

    def __str__(self):
        return f"{self.user_id} rated {self.movie_id}: {self.value}"


class Review(models.Model):
    """A user's text about a movie with its rating; one per user per movie.

    `rating` is a copy of the author's Rating row, written with it in the same
    transaction by movies.services (never on its own), so the review list filters and
    orders by it without a join.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews"
    )
    movie = models.ForeignKey(Movie, on_delete=models.CASCADE, related_name="reviews")
    rating = models.DecimalField(
        max_digits=2,
        decimal_places=1,
        validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)],
    )
    text = models.TextField(blank=True, max_length=10_000)
    is_edited = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "movie"], name="review_one_per_user_movie"),
            models.CheckConstraint(
                condition=models.Q(rating__in=RATINGS), name="review_rating_half_steps"
            ),
        ]
        indexes = [
            models.Index(fields=["movie", "-created_at", "-id"]),
            models.Index(fields=["movie", "rating"]),
            models.Index(fields=["user", "-created_at"]),
        ]

    def __str__(self):
        return f"{self.user_id} rated {self.movie_id}: {self.rating}"


class MovieActivity(models.Model):
    """How many events of one kind a movie had in one hour (UTC): trending's input
    (discovery/trending.py), kept exact with every write of its sources by
    movies/activity.py, so a ranking reads one small row per (movie, hour, kind)."""

    movie = models.ForeignKey(Movie, on_delete=models.CASCADE, related_name="+")
    # Whole hours since 1970-01-01 UTC: an age is a subtraction on every backend.
    hour = models.IntegerField()
    # "rating", "review", "diary", "list", or a list kind ("favorite", ...).
    kind = models.CharField(max_length=16)
    # Never below zero; a row at zero (its events deleted) adds nothing to a score.
    events = models.IntegerField()

    objects = InvalidatingQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["movie", "hour", "kind"], name="movie_activity_unique"),
        ]
        indexes = [models.Index(fields=["hour"], name="movie_activity_hour_idx")]

    def __str__(self):
        return f"{self.movie_id} @ {self.hour}: {self.events} {self.kind}"


class TrendWindow(models.Model):
    """Which hours trending's decayed sums of one window hold (movies/trends.py)."""

    window = models.CharField(max_length=8, primary_key=True)
    # The first hour summed (every later hour is); None: the sums are to be rebuilt.
    low = models.IntegerField(null=True)
    # The hour the decay is measured from: each event weighs 2 ** ((hour - it) / half-life).
    reference = models.IntegerField(default=0)
    # Bumped by every change of `low`, so that two readers never both move the sums.
    version = models.IntegerField(default=0)

    objects = InvalidatingQuerySet.as_manager()

    def __str__(self):
        return f"{self.window} from {self.low}"


class MovieTrend(models.Model):
    """One movie's events in one window, counted and decayed (movies/trends.py)."""

    window = models.CharField(max_length=8)
    movie = models.ForeignKey(Movie, on_delete=models.CASCADE, related_name="+")
    events = models.IntegerField()  # exact: the window lists the movies above zero
    score = models.FloatField()  # exactly 0 when `events` is

    objects = InvalidatingQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["window", "movie"], name="movie_trend_unique"),
        ]
        # The ranking reads the best rows of a window straight from this index.
        indexes = [models.Index(fields=["window", "-score", "movie"], name="movie_trend_rank_idx")]

    def __str__(self):
        return f"{self.movie_id} {self.window}: {self.score:.3f}"
