"""The REST body of a movie write (create, replace, change): shape only, as every
write serializer here (movies/api/serializers.py says why); the catalog services decide."""

from rest_framework import serializers

from core.fields import StrictCharField, documented
from movies.api.serializers import CAST_TITLE, _date_field, _id_field, _max_length
from movies.filters import MAX_TMDB_ID
from movies.models import DEPARTMENTS, RUNTIME_MAX, Casting, CrewCredit, Movie
from movies.services.catalog import CAST_ORDER_MAX


class CastEntryInputSerializer(serializers.Serializer):
    """One cast line in a write: actor id, optional character and billing order."""

    actor = _id_field()
    character = documented(
        StrictCharField(required=False, allow_blank=True),
        max_length=_max_length(Casting, "character"),
    )
    order = documented(
        serializers.IntegerField(required=False, help_text="0 to 32767."),
        minimum=0,
        maximum=CAST_ORDER_MAX,
    )


class CrewEntryInputSerializer(serializers.Serializer):
    """One crew line in a write: person id, TMDB's job and department."""

    person = _id_field()
    job = documented(
        StrictCharField(help_text="TMDB's job, e.g. Director."),
        max_length=_max_length(CrewCredit, "job"),
    )
    department = documented(
        StrictCharField(help_text="TMDB's department: " + ", ".join(DEPARTMENTS) + "."),
        max_length=_max_length(CrewCredit, "department"),
    )


class MovieWriteSerializer(serializers.Serializer):
    """Body of a movie create/update (JSON, or multipart when a `poster` is uploaded).

    `actors` lists actor ids in billing order; `cast` gives characters and order too —
    send one of them. `average_rating` and `review_count` are derived and not accepted.
    """

    title = documented(
        StrictCharField(help_text="At most 255 characters."), max_length=_max_length(Movie, "title")
    )
    plot = documented(
        StrictCharField(required=False, allow_blank=True), max_length=_max_length(Movie, "plot")
    )
    release_date = _date_field("YYYY-MM-DD.")
    genres = serializers.ListField(child=_id_field(), required=False)
    actors = serializers.ListField(child=_id_field(), required=False)
    cast = documented(
        serializers.ListField(child=CastEntryInputSerializer(), required=False), title=CAST_TITLE
    )
    crew = serializers.ListField(
        child=CrewEntryInputSerializer(),
        required=False,
        help_text="The crew in the order shown; replaces the whole crew.",
    )
    imdb_id = documented(
        StrictCharField(
            required=False, allow_null=True, allow_blank=True, help_text="e.g. tt0133093"
        ),
        max_length=_max_length(Movie, "imdb_id"),
    )
    tmdb_id = documented(
        serializers.IntegerField(required=False, allow_null=True),
        minimum=1,
        maximum=MAX_TMDB_ID,
    )
    runtime = documented(
        serializers.IntegerField(required=False, allow_null=True, help_text="Minutes."),
        minimum=1,
        maximum=RUNTIME_MAX,
    )
    poster = serializers.FileField(required=False, allow_null=True)
    keywords = serializers.ListField(
        child=StrictCharField(allow_blank=True),  # the service names a blank one
        required=False,
        help_text="Keyword names, matched in any case, created when new; replaces the list.",
    )

    SERVICE_NAMES = {"genres": "genre_ids", "actors": "actor_ids"}

    def to_representation(self, movie):
        # Only the browsable API renders a write serializer (to prefill its forms): show
        # the stored values in the write shape, the cast as `cast` (not also `actors`).
        return {
            "title": movie.title,
            "plot": movie.plot,
            "release_date": movie.release_date.isoformat() if movie.release_date else None,
            "genres": [genre.pk for genre in movie.genres.all()],
            "cast": [
                {"actor": c.actor_id, "character": c.character, "order": c.order}
                for c in movie.castings.all()
            ],
            "crew": [
                {"person": c.person_id, "job": c.job, "department": c.department}
                for c in movie.crew_credits.all()
            ],
            "imdb_id": movie.imdb_id,
            "tmdb_id": movie.tmdb_id,
            "runtime": movie.runtime,
            "keywords": [keyword.name for keyword in movie.keywords.all()],
        }

    def service_kwargs(self) -> dict:
        """validated_data under `movie_create`/`movie_update` argument names."""
        data = self.validated_data
        return {self.SERVICE_NAMES.get(key, key): value for key, value in data.items()}
