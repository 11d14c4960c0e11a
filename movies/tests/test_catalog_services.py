"""Catalog services and selectors: validation, uniqueness races, filters, review stats."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from core.errors import Forbidden
from movies import selectors
from movies.models import Actor, Genre, Movie
from movies.services import actors, catalog, genres
from movies.services.catalog import CastEntry
from movies.services.reviews import review_create
from movies.tests.factories import ActorFactory, GenreFactory, MovieFactory
from tests.concurrency import run_together
from users.tests.factories import UserFactory


def error_dict(exc_info) -> dict:
    return {field: [e.code for e in errors] for field, errors in exc_info.value.error_dict.items()}


@pytest.mark.django_db
def test_movie_create_with_cast_entries_and_dicts(staff):
    a, b = ActorFactory(), ActorFactory()
    movie = catalog.movie_create(
        user=staff,
        title="Heat",
        release_date="1995-12-15",
        cast=[CastEntry(actor_id=a.pk, character="Hanna"), {"actor_id": b.pk, "order": 5}],
    )
    assert list(movie.castings.values_list("actor_id", "character", "order")) == [
        (a.pk, "Hanna", 0),
        (b.pk, "", 5),
    ]


@pytest.mark.django_db
def test_graphql_style_string_ids_are_accepted(staff):
    genre, actor = GenreFactory(), ActorFactory()
    movie = catalog.movie_create(
        user=staff, title="X", genre_ids=[str(genre.pk)], actor_ids=[str(actor.pk)]
    )
    assert list(movie.genres.all()) == [genre]
    assert list(movie.actors.all()) == [actor]


@pytest.mark.django_db
def test_actors_and_cast_together_are_refused(staff):
    actor = ActorFactory()
    with pytest.raises(ValidationError) as exc_info:
        catalog.movie_create(
            user=staff, title="X", actor_ids=[actor.pk], cast=[{"actor": actor.pk}]
        )
    assert error_dict(exc_info) == {"cast": ["ambiguous"]}


@pytest.mark.django_db
def test_unknown_ids_are_named(staff):
    with pytest.raises(ValidationError) as exc_info:
        catalog.movie_create(user=staff, title="X", genre_ids=[7, 8])
    assert error_dict(exc_info) == {"genres": ["does_not_exist"]}
    assert "Unknown genre id(s): 7, 8." in str(exc_info.value)
    assert Movie.objects.count() == 0


@pytest.mark.django_db
def test_numbers_outside_the_id_range_are_not_ids(staff):
    with pytest.raises(ValidationError) as exc_info:
        catalog.movie_create(user=staff, title="X", genre_ids=[2**70])
    assert error_dict(exc_info) == {"genres": ["invalid"]}
    assert f"{2**70} is not a valid id." in str(exc_info.value)
    assert Movie.objects.count() == 0


@pytest.mark.django_db
def test_imdb_race_integrity_error_becomes_field_error(monkeypatch, staff):
    # given another request stored the same IMDb id after our pre-check passed
    MovieFactory(imdb_id="tt0133093")
    real_check = catalog._check_movie_ids_free
    calls = []

    def check_missing_the_race(**kwargs):
        calls.append(kwargs)
        if len(calls) > 1:  # the check after the IntegrityError sees the winner
            real_check(**kwargs)

    monkeypatch.setattr(catalog, "_check_movie_ids_free", check_missing_the_race)
    # when our insert hits the unique constraint
    with pytest.raises(ValidationError) as exc_info:
        catalog.movie_create(user=staff, title="Copy", imdb_id="tt0133093")
    # then the error names the field (a 400, not a 500) and nothing else was written
    assert len(calls) == 2
    assert error_dict(exc_info) == {"imdb_id": ["unique"]}
    assert Movie.objects.count() == 1


@pytest.mark.django_db
def test_genre_race_integrity_error_becomes_name_error(monkeypatch, staff):
    # given the pre-check misses a concurrent insert of the same name
    GenreFactory(name="Drama")
    monkeypatch.setattr(genres, "_genre_name", lambda name, **kw: name)
    # when the insert hits the case-insensitive unique constraint
    with pytest.raises(ValidationError) as exc_info:
        genres.genre_create(user=staff, name="DRAMA")
    # then it is a `name` error
    assert error_dict(exc_info) == {"name": ["unique"]}
    assert Genre.objects.count() == 1


def test_integrity_error_is_what_the_constraint_raises(db):
    GenreFactory(name="Drama")
    with pytest.raises(IntegrityError):
        Genre.objects.create(name="drama")


@pytest.mark.django_db
def test_movie_update_failure_leaves_row_and_caller_instance_intact(staff):
    movie = MovieFactory(title="Before")
    with pytest.raises(ValidationError):
        catalog.movie_update(user=staff, movie=movie, title="After", genre_ids=[123456])
    assert movie.title == "Before"
    assert Movie.objects.get(pk=movie.pk).title == "Before"


@pytest.mark.django_db
def test_movie_list_invalid_filters_name_the_fields():
    with pytest.raises(ValidationError) as exc_info:
        selectors.movie_list(filters={"min_rating": "abc", "ordering": "nope", "year": "1999"})
    assert set(exc_info.value.error_dict) == {"min_rating", "ordering"}


@pytest.mark.django_db
def test_movie_list_accepts_graphql_style_values():
    movie = MovieFactory(title="Alien")
    Movie.objects.filter(pk=movie.pk).update(average_rating=3)  # rated: min_rating matches
    found = selectors.movie_list(
        filters={"title": "alien", "min_rating": 0.0, "min_year": None, "ordering": "-title"}
    )
    assert list(found) == [movie]


@pytest.mark.django_db
def test_movie_get_returns_none_for_missing_or_malformed_ids():
    movie = MovieFactory()
    assert selectors.movie_get(movie_id=str(movie.pk)) == movie
    assert selectors.movie_get(movie_id="abc") is None
    assert selectors.movie_get(movie_id=10**30) is None
    assert selectors.movie_get(movie_id=movie.pk + 1) is None


@pytest.mark.django_db
def test_review_stats_come_from_the_movie_row_with_all_buckets(django_assert_num_queries):
    # given three reviews written through the service
    movie = MovieFactory()
    for rating in (1, 2, 2):
        review_create(user=UserFactory(), movie_id=movie.pk, rating=rating)
    movie.refresh_from_db()
    # when the stats of the loaded movie are read: no query (the columns are on the row)
    with django_assert_num_queries(0):
        stats = selectors.movie_review_stats(movie=movie)
    # 5/3 = 1.666... rounds half-up to 1.67
    assert stats == {
        "total": 3,
        "average": 1.67,
        "counts": {"1": 1, "2": 2, "3": 0, "4": 0, "5": 0},
    }


@pytest.mark.django_db
def test_review_stats_without_reviews():
    stats = selectors.movie_review_stats(movie=MovieFactory())
    assert stats == {"total": 0, "average": 0.0, "counts": {str(n): 0 for n in range(1, 6)}}


@pytest.mark.pg
@pytest.mark.django_db(transaction=True)
def test_concurrent_genre_creates_one_wins_rest_get_name_errors(staff):
    # given 8 threads creating the same genre name in different cases at once
    names = ["Noir", "NOIR", "noir", "NoIr"] * 2

    def create(index):
        try:
            genres.genre_create(user=staff, name=names[index])
            return "created"
        except ValidationError as exc:
            return tuple(exc.error_dict)

    # when
    outcomes = run_together(len(names), create)
    # then exactly one row exists and every loser got a `name` error (never a 500)
    assert outcomes.count("created") == 1
    assert sorted(o for o in outcomes if o != "created") == [("name",)] * 7
    assert Genre.objects.filter(name__iexact="noir").count() == 1


@pytest.mark.django_db
def test_catalog_writes_refuse_a_caller_who_is_not_staff_whatever_calls_them():
    # given a signed-up user who is not staff, and a movie, a genre and an actor
    user = UserFactory()
    movie = MovieFactory(title="Before")
    genre, actor = GenreFactory(name="Drama"), ActorFactory(name="Al Pacino")
    writes = {
        "movie_create": lambda: catalog.movie_create(user=user, title="New"),
        "movie_update": lambda: catalog.movie_update(user=user, movie=movie, title="After"),
        "movie_delete": lambda: catalog.movie_delete(user=user, movie=movie),
        "genre_create": lambda: genres.genre_create(user=user, name="Noir"),
        "genre_update": lambda: genres.genre_update(user=user, genre=genre, name="Noir"),
        "genre_delete": lambda: genres.genre_delete(user=user, genre=genre),
        "actor_create": lambda: actors.actor_create(user=user, name="Someone"),
        "actor_update": lambda: actors.actor_update(user=user, actor=actor, name="Someone"),
        "actor_delete": lambda: actors.actor_delete(user=user, actor=actor),
    }
    # when a script calls each catalog write service as that user, not through a door
    refusals = {}
    for name, write in writes.items():
        with pytest.raises(Forbidden) as refused:
            write()
        refusals[name] = str(refused.value)
    # then each is refused with the doors' message, and nothing changed
    assert refusals == dict.fromkeys(writes, catalog.CATALOG_EDIT_DENIED)
    assert list(Movie.objects.values_list("title", flat=True)) == ["Before"]
    assert list(Genre.objects.values_list("name", flat=True)) == ["Drama"]
    assert list(Actor.objects.values_list("name", flat=True)) == ["Al Pacino"]


@pytest.mark.django_db
def test_the_site_scripts_act_as_the_operator_who_may_edit_the_catalog():
    # when a site script (importer, demo loader) creates a genre as the operator
    genre = genres.genre_create(user=catalog.SITE_OPERATOR, name="Noir")
    # then it is stored
    assert list(Genre.objects.values_list("pk", "name")) == [(genre.pk, "Noir")]
