"""REST people: a person's fields (`ActorSerializer`, the list and the writes) and the
person detail, those plus their filmography (`credits`).

`GET /api/movies/actors/{id}/` answers `credits: {cast: [...], crew: [...]}`, newest
movie first, read by `movies.selectors.person_credits` (two queries however many
credits). The list and the write replies keep the actor's own fields only.

The answer is the same for every caller (it shows no caller's own state), so all of it
is the shared part (`core.caching.shared`): stored once under the generations of the
tables it read (the actor, castings, crew credits, movies) and served while they are
current. Anonymous answers are also stored whole by the response cache, but only up to
RESPONSE_CACHE_MAX_ENTRY_BYTES of body; a person with hundreds of credits is past that,
and the shared part is what serves them (docs/caching.md).
"""

from rest_framework import serializers

from core.caching import shared
from core.fields import StrictCharField, documented
from movies import selectors
from movies.api.serializers import ShapeSerializer, _date_field, _max_length
from movies.filters import MAX_TMDB_ID
from movies.models import PERSON_DEPARTMENTS, Actor
from movies.shapes import CREDIT_MOVIE


class ActorSerializer(serializers.Serializer):
    """A person (an actor, a crew member or both): `{id, name, birth_date, death_date,
    place_of_birth, bio, photo, imdb_id, tmdb_id, known_for_department}`; `photo` is
    uploaded as multipart."""

    id = serializers.IntegerField(read_only=True)
    name = documented(
        StrictCharField(help_text="At most 200 characters."), max_length=_max_length(Actor, "name")
    )
    birth_date = _date_field("YYYY-MM-DD, not in the future.")
    death_date = _date_field("YYYY-MM-DD, not in the future nor before the birth date.")
    place_of_birth = documented(
        StrictCharField(required=False, allow_blank=True, help_text="e.g. Beirut, Lebanon."),
        max_length=_max_length(Actor, "place_of_birth"),
    )
    bio = documented(
        StrictCharField(required=False, allow_blank=True), max_length=_max_length(Actor, "bio")
    )
    photo = serializers.FileField(required=False, allow_null=True)
    imdb_id = documented(
        StrictCharField(
            required=False, allow_null=True, allow_blank=True, help_text="e.g. nm0000206"
        ),
        max_length=_max_length(Actor, "imdb_id"),
    )
    tmdb_id = documented(
        serializers.IntegerField(required=False, allow_null=True),
        minimum=1,
        maximum=MAX_TMDB_ID,
    )
    known_for_department = documented(
        StrictCharField(
            required=False,
            allow_blank=True,
            help_text="TMDB's department: " + ", ".join(PERSON_DEPARTMENTS) + ".",
        ),
        max_length=_max_length(Actor, "known_for_department"),
    )

    def service_kwargs(self) -> dict:
        return dict(self.validated_data)


class CreditMovieSerializer(ShapeSerializer):
    """The movie of a credit (`shapes.CREDIT_MOVIE`): `{id, title, year, poster}`."""

    shape = CREDIT_MOVIE


_movie = CreditMovieSerializer._render


class PersonCastCreditSerializer(serializers.Serializer):
    """A part the person played: `{movie, character, order}` (order: billing position)."""

    movie = CreditMovieSerializer(read_only=True)
    character = serializers.CharField(
        read_only=True, allow_blank=True, help_text="Character's name (may be empty)."
    )
    order = serializers.IntegerField(read_only=True, help_text="Billing position, 0 first.")

    def to_representation(self, credit):
        # The generic field loop costs tens of microseconds a credit; a person may have
        # hundreds. Same keys and values as the declared fields (tests compare them).
        return {
            "movie": _movie(self, credit.movie),
            "character": credit.character,
            "order": credit.order,
        }


class PersonCrewCreditSerializer(serializers.Serializer):
    """A job the person held on a movie's crew: `{movie, job, department}` (TMDB names)."""

    movie = CreditMovieSerializer(read_only=True)
    job = serializers.CharField(read_only=True, help_text="TMDB's job, e.g. Director.")
    department = serializers.CharField(
        read_only=True, help_text="TMDB's department, e.g. Directing."
    )

    def to_representation(self, credit):
        return {
            "movie": _movie(self, credit.movie),
            "job": credit.job,
            "department": credit.department,
        }


class PersonCreditsSerializer(serializers.Serializer):
    """A person's filmography: `{cast, crew}`, each newest movie first."""

    cast = PersonCastCreditSerializer(
        many=True, read_only=True, help_text="Parts played, newest movie first."
    )
    crew = PersonCrewCreditSerializer(
        many=True, read_only=True, help_text="Crew jobs, newest first."
    )


class PersonDetailSerializer(ActorSerializer):
    """A person in full: the actor's fields plus `credits` (`person.credits`, a
    `selectors.Credits` the view attaches)."""

    credits = PersonCreditsSerializer(
        read_only=True,
        help_text="Cast and crew credits, newest movie first (unknown release dates last).",
    )


def person_detail_data(view, request) -> dict:
    """The person detail of `view`'s object: the shared part on a hit, else computed
    (a 404 raises, and nothing is stored)."""

    def compute() -> dict:
        person = view.get_object()
        person.credits = selectors.person_credits(person_id=person.pk)
        return PersonDetailSerializer(person, context=view.get_serializer_context()).data

    # Nothing of the caller's own: the whole answer is shared, nothing to blank or add.
    return shared.answer(request, "actors:detail", compute=compute, split=dict, merge=_same)


def _same(data: dict) -> dict:
    return data
