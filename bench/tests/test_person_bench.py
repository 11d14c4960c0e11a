"""The person page's floor (bench/people.py) answers the endpoint's body, in as many
queries; seed_bench's prolific person is the one bench.run times."""

import datetime

import orjson
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.management.commands.seed_bench import PROLIFIC_CREW_CREDITS
from bench.people import b1_person_view
from bench.run import prolific_person
from bench.tests.test_seed_bench import seed
from movies.models import Casting, CrewCredit
from movies.tests.factories import ActorFactory, CrewCreditFactory, MovieFactory

pytestmark = pytest.mark.django_db


def test_b1_person_is_the_endpoint_s_body_in_as_many_queries(api_client, rf, settings, tmp_path):
    # given: a person with a photo, parts and crew jobs, one movie with a poster
    settings.MEDIA_ROOT = tmp_path
    settings.RESPONSE_CACHE_ENABLED = False
    person = ActorFactory(
        name="Sofia Coppola",
        birth_date=datetime.date(1971, 5, 14),
        bio="Director.",
        photo=SimpleUploadedFile("sofia.png", b"x"),
    )
    lost = MovieFactory(title="Lost in Translation", poster=SimpleUploadedFile("l.png", b"x"))
    godfather = MovieFactory(title="The Godfather", release_date=datetime.date(1972, 3, 24))
    Casting.objects.create(movie=godfather, actor=person, character="Baby Michael", order=9)
    CrewCreditFactory(movie=lost, person=person)
    CrewCreditFactory(movie=lost, person=person, job="Screenplay", department="Writing")

    # when
    with CaptureQueriesContext(connection) as endpoint_queries:
        endpoint = api_client.get(f"/api/movies/actors/{person.pk}/").json()
    with CaptureQueriesContext(connection) as floor_queries:
        floor = orjson.loads(b1_person_view(rf.get("/"), person.pk).content)

    # then
    assert floor == endpoint
    assert len(floor["credits"]["crew"]) == 2 and floor["photo"].startswith("http://testserver/")
    assert len(floor_queries) == len(endpoint_queries) == 3


def test_the_seed_has_one_prolific_person_whom_the_bench_picks():
    seed()  # XS: 50 movies, so 50 of the crew credits
    person_id = prolific_person()
    credits = CrewCredit.objects.filter(person_id=person_id)
    assert credits.count() == min(PROLIFIC_CREW_CREDITS, 50)
    assert credits.values("movie_id").distinct().count() == credits.count()
