"""B1_person `b1/person/<id>/`: the person detail's floor (bench.run's R_person / B1_person).

The person detail's SQL through `.values()`: the actor's row, their cast credits and
their crew credits with each movie joined (3 queries, as the endpoint), stitched by hand
and encoded with orjson. No serializer, no DRF, no cache. Its body equals the endpoint's
(bench/tests/test_person_bench.py). The actor's own fields are read from the endpoint's
serializer, so a field added there is shown here too.
"""

from django.conf import settings
from django.http import Http404
from django.urls import path
from rest_framework import serializers

from bench.variants import _json
from movies.api.people import PersonDetailSerializer
from movies.models import Actor, Casting, CrewCredit
from movies.selectors.credits import NEWEST_FIRST

# The actor's own fields (every one but `credits`), and which of them are files.
PERSON_FIELDS = tuple(name for name in PersonDetailSerializer._declared_fields if name != "credits")
FILE_FIELDS = frozenset(
    name
    for name in PERSON_FIELDS
    if isinstance(PersonDetailSerializer._declared_fields[name], serializers.FileField)
)
MOVIE = ("movie_id", "movie__title", "movie__release_date", "movie__poster")


def _movie(row, request, media) -> dict:
    movie_id, title, released, poster = row[:4]
    return {
        "id": movie_id,
        "title": title,
        "year": released.year if released else None,
        "poster": request.build_absolute_uri(media + poster) if poster else None,
    }


def b1_person_view(request, person_id):
    """B1_person: the actor's row, cast credits, crew credits (3 queries); stitched."""
    found = list(Actor.objects.filter(pk=person_id).values(*PERSON_FIELDS)[:1])
    if not found:
        raise Http404
    (person,) = found
    media = settings.MEDIA_URL
    for name in FILE_FIELDS:
        person[name] = request.build_absolute_uri(media + person[name]) if person[name] else None
    cast = Casting.objects.filter(actor_id=person_id).order_by(*NEWEST_FIRST)
    crew = CrewCredit.objects.filter(person_id=person_id).order_by(*NEWEST_FIRST)
    person["credits"] = {
        "cast": [
            {"movie": _movie(row, request, media), "character": row[4], "order": row[5]}
            for row in cast.values_list(*MOVIE, "character", "order")
        ],
        "crew": [
            {"movie": _movie(row, request, media), "job": row[4], "department": row[5]}
            for row in crew.values_list(*MOVIE, "job", "department")
        ],
    }
    return _json(person)


urlpatterns = [path("b1/person/<int:person_id>/", b1_person_view, name="bench-b1-person")]
