"""REST shapes of the catalog. Serializers check shape only; services decide.

Read serializers render the contract's shapes from selector querysets (relations
prefetched). Write serializers check shape only (types, required), then
`service_kwargs()` hands the data to `movies.services` under its argument names;
lengths, ranges, date formats and ids are rules of the services, answered with the
same message on REST and GraphQL.
"""

from django.utils import timezone
from drf_yasg.utils import swagger_serializer_method
from rest_framework import serializers
from rest_framework.settings import api_settings

from movie_api.fields import StrictCharField
from movies.selectors.catalog import movie_actors, movie_genres
from movies.viewer_state import movie_states_for


def _id_field(**kwargs):
    return serializers.IntegerField(**kwargs)


def _date_field(help_text: str):
    # A string: the service parses it, so a bad date reads the same on both doors.
    return StrictCharField(required=False, allow_null=True, allow_blank=True, help_text=help_text)


class NamedRefSerializer(serializers.Serializer):
    """`{id, name}` of a genre or actor, as nested in a movie."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class GenreSerializer(serializers.Serializer):
    """A genre: `{id, name}`; `name` is the only writable field."""

    id = serializers.IntegerField(read_only=True)
    name = StrictCharField(help_text="Unique regardless of case; at most 50 characters.")

    def service_kwargs(self) -> dict:
        return dict(self.validated_data)


class ActorSerializer(serializers.Serializer):
    """An actor: `{id, name, birth_date, bio, photo}`; `photo` is uploaded as multipart."""

    id = serializers.IntegerField(read_only=True)
    name = StrictCharField(help_text="At most 200 characters.")
    birth_date = _date_field("YYYY-MM-DD, not in the future.")
    bio = StrictCharField(required=False, allow_blank=True)
    photo = serializers.FileField(required=False, allow_null=True)

    def service_kwargs(self) -> dict:
        return dict(self.validated_data)


class MyStateSerializer(serializers.Serializer):
    """The caller's own relation to a movie (TMDB's account states)."""

    favorite = serializers.BooleanField()
    watched = serializers.BooleanField()
    watchlist = serializers.BooleanField()
    rating = serializers.IntegerField(allow_null=True)


def _file_url(value, request) -> str | None:
    """What DRF's FileField and ImageField render for a stored file: its absolute URL
    (`UPLOADED_FILES_USE_URL`, the default), or its name when that setting is off."""
    if not api_settings.UPLOADED_FILES_USE_URL:
        return value.name
    try:
        url = value.url
    except AttributeError:
        return None
    return request.build_absolute_uri(url) if request is not None else url


def _iso_datetime(value, zone, field):
    """What DRF's DateTimeField renders (ISO 8601, UTC as `Z`), without its per-call setup."""
    if value is None or value.tzinfo is None:
        return field.to_representation(value)
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class MovieSerializer(serializers.Serializer):
    """A movie as listed: nested `{id, name}` genres and actors (billing order).

    `my_state` comes from `context["my_states"]` ({movie_id: state}, computed once per
    page with `movie_states_for`); without it a signed-in caller's state is looked up
    for this one movie. It is null for anonymous callers.
    """

    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    plot = serializers.CharField(read_only=True, allow_blank=True)
    release_date = serializers.DateField(read_only=True, allow_null=True)
    year = serializers.IntegerField(source="release_date.year", read_only=True, allow_null=True)
    # allow_null / allow_blank only document what the model holds (the schema checks read them).
    poster = serializers.ImageField(read_only=True, allow_null=True)
    imdb_id = serializers.CharField(read_only=True, allow_null=True)
    tmdb_id = serializers.IntegerField(read_only=True, allow_null=True)
    genres = NamedRefSerializer(many=True, read_only=True)
    actors = NamedRefSerializer(many=True, read_only=True)
    average_rating = serializers.DecimalField(
        max_digits=3, decimal_places=2, coerce_to_string=False, read_only=True
    )
    review_count = serializers.IntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
    my_state = serializers.SerializerMethodField()

    def to_representation(self, movie):
        if type(self) is not MovieSerializer:
            return super().to_representation(movie)
        return self.card(movie)

    def card(self, movie) -> dict:
        """The declared fields, in order, written out by hand.

        Same output as DRF's generic field loop, at a fraction of its per-object cost
        (the largest share of a list request). The declared fields stay the schema
        (drf-yasg) and format dates and decimals, so the shape cannot drift from the
        declarations; tests compare the body with the declared shape. They are the
        class's own field objects, not `self.fields`: binding copies every declared
        field (nested ones too) once per request, about a tenth of a short list's time,
        and formatting a value needs no binding. The poster's URL needs the request,
        which `_file_url` takes from the context as a bound field would.
        """
        fields = MovieSerializer._declared_fields
        released = movie.release_date
        poster = movie.poster
        rating = movie.average_rating
        zone = timezone.get_current_timezone()
        return {
            "id": movie.id,
            "title": movie.title,
            "plot": movie.plot,
            "release_date": released.isoformat() if released else None,
            "year": released.year if released else None,
            "poster": _file_url(poster, self.context.get("request")) if poster else None,
            "imdb_id": movie.imdb_id,
            "tmdb_id": movie.tmdb_id,
            "genres": [{"id": genre.id, "name": genre.name} for genre in movie_genres(movie)],
            "actors": [{"id": actor.id, "name": actor.name} for actor in movie_actors(movie)],
            "average_rating": (
                None if rating is None else fields["average_rating"].to_representation(rating)
            ),
            "review_count": movie.review_count,
            "created_at": _iso_datetime(movie.created_at, zone, fields["created_at"]),
            "updated_at": _iso_datetime(movie.updated_at, zone, fields["updated_at"]),
            "my_state": self.get_my_state(movie),
        }

    @swagger_serializer_method(serializer_or_field=MyStateSerializer(allow_null=True))
    def get_my_state(self, movie) -> dict | None:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        states = self.context.get("my_states")
        if states is None or movie.id not in states:
            states = movie_states_for(user=user, movie_ids=[movie.id])
        return states[movie.id]


class CastMemberSerializer(serializers.Serializer):
    """One cast line: `{actor: {id, name}, character, order}`.

    Reads actors prefetched by `movies.selectors.actors_in_billing_order`, which carry
    their casting's `character` and `billing_order`.
    """

    actor = NamedRefSerializer(source="*", read_only=True)
    character = serializers.CharField(read_only=True, allow_blank=True)
    order = serializers.IntegerField(source="billing_order", read_only=True)


class ReviewStatsSerializer(serializers.Serializer):
    """`{total, average, counts: {"1": n, ..., "5": n}}` of one movie."""

    total = serializers.IntegerField()
    average = serializers.FloatField()
    counts = serializers.DictField(child=serializers.IntegerField())


class MovieDetailSerializer(MovieSerializer):
    """A movie in full: the list shape plus `cast` and `review_stats`.

    `review_stats` comes from `context["review_stats"]` (the view reads it from the
    movie row's statistics with `movie_review_stats`), so no query runs in here.
    """

    cast = CastMemberSerializer(source="actors", many=True, read_only=True)
    review_stats = serializers.SerializerMethodField()

    def to_representation(self, movie):
        if type(self) is not MovieDetailSerializer:
            return serializers.Serializer.to_representation(self, movie)
        data = self.card(movie)
        data["cast"] = [
            {
                "actor": {"id": actor.id, "name": actor.name},
                "character": actor.character,
                "order": actor.billing_order,
            }
            for actor in movie_actors(movie)
        ]
        data["review_stats"] = self.get_review_stats(movie)
        return data

    @swagger_serializer_method(serializer_or_field=ReviewStatsSerializer(allow_null=True))
    def get_review_stats(self, movie) -> dict | None:
        return self.context.get("review_stats")


class CastEntryInputSerializer(serializers.Serializer):
    """One cast line in a write: actor id, optional character and billing order."""

    actor = _id_field()
    character = StrictCharField(required=False, allow_blank=True)
    order = serializers.IntegerField(required=False, help_text="0 to 32767.")


class MovieWriteSerializer(serializers.Serializer):
    """Body of a movie create/update (JSON, or multipart when a `poster` is uploaded).

    `actors` lists actor ids in billing order; `cast` gives characters and order too —
    send one of them. `average_rating` and `review_count` are derived and not accepted.
    """

    title = StrictCharField(help_text="At most 255 characters.")
    plot = StrictCharField(required=False, allow_blank=True)
    release_date = _date_field("YYYY-MM-DD.")
    genres = serializers.ListField(child=_id_field(), required=False)
    actors = serializers.ListField(child=_id_field(), required=False)
    cast = serializers.ListField(child=CastEntryInputSerializer(), required=False)
    imdb_id = StrictCharField(
        required=False, allow_null=True, allow_blank=True, help_text="e.g. tt0133093"
    )
    tmdb_id = serializers.IntegerField(required=False, allow_null=True)
    poster = serializers.FileField(required=False, allow_null=True)

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
            "imdb_id": movie.imdb_id,
            "tmdb_id": movie.tmdb_id,
        }

    def service_kwargs(self) -> dict:
        """validated_data under `movie_create`/`movie_update` argument names."""
        data = self.validated_data
        return {self.SERVICE_NAMES.get(key, key): value for key, value in data.items()}
