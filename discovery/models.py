"""The precomputed item-to-item neighbours behind "recommended for you"."""

from django.db import models

from core.caching.invalidation import InvalidatingQuerySet


class MovieNeighbour(models.Model):
    """One of a movie's nearest movies by who liked both (discovery/neighbours.py):
    rewritten whole by `manage.py compute_neighbours`, read by the recommendations."""

    movie = models.ForeignKey("movies.Movie", on_delete=models.CASCADE, related_name="+")
    neighbour = models.ForeignKey("movies.Movie", on_delete=models.CASCADE, related_name="+")
    # Cosine of the two movies' sets of likers: shared / sqrt(likers of movie * of neighbour).
    score = models.FloatField()
    # How many users liked both.
    shared = models.PositiveIntegerField()

    objects = InvalidatingQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["movie", "neighbour"], name="movie_neighbour_unique"),
        ]

    def __str__(self):
        return f"{self.movie_id} ~ {self.neighbour_id}: {self.score:.3f}"
