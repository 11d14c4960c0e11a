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

from core.fields import StrictCharField, documented
from core.ids import MAX_DB_ID
from movies.models import Genre, Movie
from movies.selectors.catalog import (
    movie_actors,
    movie_crew,
    movie_genres,
    movie_keywords,
    movie_rating_stats,
    movie_review_stats,
)
from movies.shapes import MOVIE_CARD, MOVIE_DETAIL, Field, Kind, Shape
from movies.viewer_state import movie_states_for

# The `cast` property keeps its JSON name; its title (what generators name things
# after) is not `Cast`, which generated Python code reads as typing.cast.
CAST_TITLE = "Cast members"


def _id_field(**kwargs):
    # A database id: a larger number or one below 1 names nothing (core/ids.py).
    return documented(serializers.IntegerField(**kwargs), minimum=1, maximum=MAX_DB_ID)


def _max_length(model, name: str) -> int:
    """The length a service checks a text against: its model column's."""
    return model._meta.get_field(name).max_length


def _date_field(help_text: str):
    # A string: the service parses it, so a bad date reads the same on both doors.
    return StrictCharField(required=False, allow_null=True, allow_blank=True, help_text=help_text)


class NamedRefSerializer(serializers.Serializer):
    """`{id, name}` of a genre, actor or keyword, as nested in a movie."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class GenreSerializer(serializers.Serializer):
    """A genre: `{id, name}`; `name` is the only writable field."""

    id = serializers.IntegerField(read_only=True)
    name = documented(
        StrictCharField(help_text="Unique regardless of case; at most 50 characters."),
        max_length=_max_length(Genre, "name"),
    )

    def service_kwargs(self) -> dict:
        return dict(self.validated_data)


class MyStateSerializer(serializers.Serializer):
    """The caller's own relation to a movie (TMDB's account states)."""

    favorite = serializers.BooleanField()
    watched = serializers.BooleanField()
    watchlist = serializers.BooleanField()
    rating = serializers.FloatField(
        allow_null=True, help_text="The caller's rating, 0.5-5 in half steps; null if unrated."
    )
    watch_count = serializers.IntegerField(help_text="How many times the caller logged a watch.")
    last_watched_on = serializers.DateField(
        allow_null=True, help_text="The date of the caller's latest logged watch; null if none."
    )


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


def iso_datetime(value, zone, field):
    """What DRF's DateTimeField renders (ISO 8601, UTC as `Z`), without its per-call setup."""
    if value is None or value.tzinfo is None:
        return field.to_representation(value)
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _rest_field(field: Field) -> serializers.Field:
    """The DRF field of a declared field: what the schema shows and the generic loop uses.

    `allow_null` / `allow_blank` only document what the model holds (the schema checks
    read them); every field is read-only.
    """
    common = {"read_only": True, "help_text": field.description}
    if field.source != field.name:  # DRF refuses a source equal to the name
        common["source"] = field.source
    kind = field.kind
    if kind in (Kind.ID, Kind.INT):
        return serializers.IntegerField(allow_null=field.null, **common)
    if kind == Kind.TEXT:
        return serializers.CharField(allow_null=field.null, allow_blank=field.blank, **common)
    if kind == Kind.DATE:
        return serializers.DateField(allow_null=field.null, **common)
    if kind == Kind.YEAR:
        common["source"] = f"{field.source}.year"
        return serializers.IntegerField(allow_null=field.null, **common)
    if kind == Kind.DATETIME:
        return serializers.DateTimeField(allow_null=field.null, **common)
    if kind == Kind.DECIMAL:
        column = Movie._meta.get_field(field.source)
        return serializers.DecimalField(
            max_digits=column.max_digits,
            decimal_places=column.decimal_places,
            coerce_to_string=False,
            allow_null=field.null,
            **common,
        )
    if kind == Kind.FILE:
        return serializers.ImageField(allow_null=field.null, **common)
    if kind in (Kind.GENRES, Kind.ACTORS, Kind.KEYWORDS):
        return NamedRefSerializer(many=True, **common)
    if kind == Kind.CAST:
        return documented(CastMemberSerializer(many=True, **common), title=CAST_TITLE)
    if kind == Kind.CREW:
        return CrewMemberSerializer(many=True, **common)
    if kind in (Kind.MY_STATE, Kind.RATING_STATS, Kind.REVIEW_STATS):
        # Rendered by the serializer's get_<name> method (it reads the context).
        return serializers.SerializerMethodField(help_text=field.description)
    raise TypeError(f"No REST field for {field.name!r} of kind {kind!r}.")


# Each kind's value in the fast renderer (`Shape.renderer`): what the generic field loop
# gives, without its per-field cost (binding, get_attribute, dispatch). `fields` are the
# class's declared fields, which format datetimes and decimals.
_RENDER = {
    Kind.ID: "movie.{source}",
    Kind.INT: "movie.{source}",
    Kind.TEXT: "movie.{source}",
    Kind.DATE: "(v.isoformat() if (v := movie.{source}) else None)",
    Kind.YEAR: "(v.year if (v := movie.{source}) else None)",
    Kind.DATETIME: "iso_datetime(movie.{source}, zone, fields['{name}'])",
    Kind.DECIMAL: (
        "(None if (v := movie.{source}) is None else fields['{name}'].to_representation(v))"
    ),
    Kind.FILE: (
        "(_file_url(v, serializer.context.get('request')) if (v := movie.{source}) else None)"
    ),
    Kind.GENRES: "[{{'id': ref.id, 'name': ref.name}} for ref in movie_genres(movie)]",
    Kind.ACTORS: "[{{'id': ref.id, 'name': ref.name}} for ref in movie_actors(movie)]",
    Kind.CAST: (
        "[{{'actor': {{'id': ref.id, 'name': ref.name}}, 'character': ref.character,"
        " 'order': ref.billing_order}} for ref in movie_actors(movie)]"
    ),
    Kind.CREW: (
        "[{{'person': {{'id': c.person.id, 'name': c.person.name}}, 'job': c.job,"
        " 'department': c.department}} for c in movie_crew(movie)]"
    ),
    Kind.KEYWORDS: "[{{'id': ref.id, 'name': ref.name}} for ref in movie_keywords(movie)]",
    Kind.MY_STATE: "serializer.get_{name}(movie)",
    Kind.RATING_STATS: "serializer.get_{name}(movie)",
    Kind.REVIEW_STATS: "serializer.get_{name}(movie)",
}


class ShapeSerializer(serializers.Serializer):
    """A read serializer whose fields and renderer come from a declared `shape`
    (movies/shapes.py).

    The fields (built once per class) are the schema (drf-yasg) and format dates and
    decimals; `to_representation` runs the renderer generated from the same declaration
    (`_RENDER`), so the body cannot drift from the schema. It gives the generic field
    loop's output at a fraction of its per-object cost, the largest share of a list
    request (bench/README.md, "The uncached path"); tests compare the two. The renderer
    uses the class's own field objects, not `self.fields`: binding copies every declared
    field (nested ones too) once per request, about a tenth of a short list's time, and
    formatting a value needs no binding. The file URL needs the request, which
    `_file_url` takes from the context as a bound field would.
    """

    shape: Shape

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "shape" not in cls.__dict__:
            return
        cls._declared_fields = {field.name: _rest_field(field) for field in cls.shape.rest}
        cls._render = staticmethod(
            cls.shape.renderer(
                _RENDER,
                params="serializer, movie",
                # The zone only for a shape with datetimes: a credit's movie renders
                # hundreds of times a page, and looking it up was a fifth of that.
                setup="zone = get_current_timezone()"
                if any(field.kind == Kind.DATETIME for field in cls.shape.rest)
                else "",
                namespace={
                    "fields": cls._declared_fields,
                    "get_current_timezone": timezone.get_current_timezone,
                    "iso_datetime": iso_datetime,
                    "_file_url": _file_url,
                    "movie_genres": movie_genres,
                    "movie_actors": movie_actors,
                    "movie_crew": movie_crew,
                    "movie_keywords": movie_keywords,
                },
                label=cls.__name__,
            )
        )

    def to_representation(self, instance):
        return self._render(self, instance)


class CastMemberSerializer(serializers.Serializer):
    """One cast line: `{actor: {id, name}, character, order}`.

    Reads actors prefetched by `movies.selectors.actors_in_billing_order`, which carry
    their casting's `character` and `billing_order`.
    """

    actor = NamedRefSerializer(source="*", read_only=True)
    character = serializers.CharField(read_only=True, allow_blank=True)
    order = serializers.IntegerField(source="billing_order", read_only=True)


class CrewMemberSerializer(serializers.Serializer):
    """One crew line: `{person: {id, name}, job, department}` (TMDB's names)."""

    person = NamedRefSerializer(read_only=True)
    job = serializers.CharField(read_only=True, help_text="TMDB's job, e.g. Director.")
    department = serializers.CharField(
        read_only=True, help_text="TMDB's department, e.g. Directing."
    )


class RatingStatsSerializer(serializers.Serializer):
    """`{count, average, counts: {"0.5": n, "1.0": n, ..., "5.0": n}}` of one movie."""

    count = serializers.IntegerField()
    average = serializers.FloatField(allow_null=True)
    counts = serializers.DictField(child=serializers.IntegerField())


class ReviewStatsSerializer(serializers.Serializer):
    """Deprecated: `{total, average, counts: {"1": n, ..., "5": n}}` of one movie."""

    total = serializers.IntegerField()
    average = serializers.FloatField()
    counts = serializers.DictField(child=serializers.IntegerField())


class MovieSerializer(ShapeSerializer):
    """A movie as listed (`shapes.MOVIE_CARD`): nested `{id, name}` genres and actors.

    `my_state` comes from `context["my_states"]` ({movie_id: state}, computed once per
    page with `movie_states_for`); without it a signed-in caller's state is looked up
    for this one movie. It is null for anonymous callers.
    """

    shape = MOVIE_CARD

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


class MovieDetailSerializer(MovieSerializer):
    """A movie in full (`shapes.MOVIE_DETAIL`): the list shape plus `cast`, `crew`,
    `rating_stats` and the deprecated `review_stats`.

    Both summaries come from the movie row's statistics columns, so no query runs in
    here. The detail route is named in the `review_stats` deprecation (core/versions.py),
    which adds its Deprecation and Sunset headers.
    """

    shape = MOVIE_DETAIL

    @swagger_serializer_method(serializer_or_field=RatingStatsSerializer())
    def get_rating_stats(self, movie) -> dict:
        return movie_rating_stats(movie=movie)

    @swagger_serializer_method(serializer_or_field=ReviewStatsSerializer())
    def get_review_stats(self, movie) -> dict:
        return movie_review_stats(movie=movie)
