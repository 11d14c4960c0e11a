"""load_demo_data: a real-looking catalog, accounts and reviews; a rerun changes nothing."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from movies.models import Actor, Casting, CrewCredit, Genre, Movie, Review


def snapshot():
    return {
        "genres": sorted(Genre.objects.values_list("id", "name")),
        "actors": sorted(Actor.objects.values_list("id", "name", "updated_at")),
        "movies": sorted(Movie.objects.values_list("id", "title", "updated_at", "average_rating")),
        "castings": sorted(Casting.objects.values_list("id", "actor_id", "character")),
        "crew": sorted(CrewCredit.objects.values_list("id", "person_id", "job", "order")),
        "reviews": sorted(Review.objects.values_list("id", "rating", "updated_at")),
        "users": sorted(get_user_model().objects.values_list("id", "username", "password")),
    }


@pytest.mark.django_db
def test_loads_catalog_accounts_and_reviews(monkeypatch):
    # given a chosen admin password
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "local-Only-456")
    out = io.StringIO()
    # when the command runs
    call_command("load_demo_data", stdout=out)
    # then the catalog has the promised content
    names = set(Genre.objects.values_list("name", flat=True))
    assert {"Drama", "Science Fiction", "Crime", "Action", "Comedy"} <= names
    assert 12 <= len(names) <= 14
    assert 15 <= Actor.objects.filter(known_for_department="").count() <= 20
    assert Movie.objects.count() >= 30
    matrix = Movie.objects.get(imdb_id="tt0133093")
    assert matrix.title == "The Matrix"
    assert list(matrix.crew_credits.values_list("person__name", "job")) == [
        ("Lana Wachowski", "Director"),
        ("Lilly Wachowski", "Director"),
        ("Lana Wachowski", "Screenplay"),
        ("Lilly Wachowski", "Screenplay"),
    ]
    rota = Actor.objects.get(name="Nino Rota")
    assert (str(rota.death_date), rota.known_for_department) == ("1979-04-10", "Sound")
    assert matrix.release_date.isoformat() == "1999-03-31"
    for movie in Movie.objects.prefetch_related("genres", "castings"):
        assert 1 <= len(movie.genres.all()) <= 3, movie.title
        assert 2 <= len(movie.castings.all()) <= 5, movie.title
        assert all(c.character for c in movie.castings.all()), movie.title
        assert movie.plot and movie.release_date
        # every movie has its director, each a person with a birth date and place
        directors = movie.crew_credits.filter(job="Director", department="Directing")
        assert directors.exists(), movie.title
        assert all(d.person.birth_date and d.person.place_of_birth for d in directors)
    # and the accounts
    User = get_user_model()
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.check_password("local-Only-456")
    demo = User.objects.get(username="demo")
    assert demo.is_active and demo.phone_number == "+14155550100"
    assert not demo.is_staff
    # and reviews went through the reviews service (derived columns maintained)
    assert Review.objects.count() >= 5
    assert matrix.reviews.count() == 3
    matrix.refresh_from_db()
    assert matrix.review_count == 3
    assert str(matrix.average_rating) == "4.67"
    text = out.getvalue()
    assert "local-Only-456" in text and "local use only" in text


@pytest.mark.django_db
def test_rerun_changes_nothing():
    call_command("load_demo_data", stdout=io.StringIO())
    before = snapshot()
    out = io.StringIO()
    call_command("load_demo_data", stdout=out)
    assert snapshot() == before
    assert (
        "created 0 genres, 0 actors, 0 crew members, 0 movies, 0 users, 0 reviews" in out.getvalue()
    )


@pytest.mark.django_db
def test_a_catalog_loaded_before_the_crews_gets_them_once():
    # given: the demo catalog as loaded before it had crews
    call_command("load_demo_data", stdout=io.StringIO())
    CrewCredit.objects.all().delete()
    # when: loaded again, twice
    call_command("load_demo_data", stdout=io.StringIO())
    crews = sorted(CrewCredit.objects.values_list("id", "movie_id", "person_id", "job"))
    call_command("load_demo_data", stdout=io.StringIO())
    # then: every movie got its crew, once
    assert (
        crews
        and sorted(CrewCredit.objects.values_list("id", "movie_id", "person_id", "job")) == crews
    )
    assert not Movie.objects.filter(crew_credits__isnull=True).exists()


@pytest.mark.django_db
def test_registers_the_help_desk_as_an_oauth_client_once(monkeypatch):
    from django.contrib.auth.hashers import check_password
    from oauth2_provider.models import get_application_model

    from oauth.demo import HELP_DESK_CLIENT_ID, HELP_DESK_REDIRECT_URI

    # given the desk's secret from the environment
    monkeypatch.setenv("DEMO_HELP_DESK_CLIENT_SECRET", "desk-secret-from-env")

    # when the demo data loads twice
    call_command("load_demo_data", stdout=io.StringIO())
    out = io.StringIO()
    call_command("load_demo_data", stdout=out)

    # then one confidential client with the desk's callback and the secret given
    [desk] = get_application_model().objects.all()
    assert desk.client_id == HELP_DESK_CLIENT_ID
    assert desk.redirect_uris == HELP_DESK_REDIRECT_URI
    assert desk.client_type == desk.CLIENT_CONFIDENTIAL
    assert check_password("desk-secret-from-env", desk.client_secret)
    assert "0 OAuth clients" in out.getvalue()
