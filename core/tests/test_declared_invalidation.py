"""Invalidation declared per model: every cached answer depends on the models whose
tables it read, and a write to one of them (in any app) makes it dead; an answer that
read a table no app watches is never stored (docs/caching.md, "Invalidation")."""

import json
import re
from http import HTTPStatus
from pathlib import Path

import django_filters as filters
import pytest
from django.core.management import call_command
from django.db.models.signals import m2m_changed, post_delete, post_save

from core.caching import invalidation
from lists.tests.factories import UserListFactory, fill_list
from movies import filters as movie_filters
from movies.models import Casting
from movies.tests.factories import ActorFactory, GenreFactory, MovieFactory, ReviewFactory
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REVIEWS = "/api/movies/reviews/"
FULL_MOVIE = """query Full($id: ID!) { movie(id: $id) {
  title genres { name } actors { name } cast { character actor { name } }
  reviews { rating text user { id username } }
  reviewStats { total average counts { rating } }
} }"""
FULL_LIST = """{ allMovies(first: 5, genre: "Drama") { totalCount edges { node {
  title genres { name } cast { character actor { name } } reviews { user { username } }
} } } }"""
GENRES_AND_PEOPLE = (
    "{ allGenres { edges { node { name } } } allActors { edges { node { name } } } }"
)
LISTS = """query Lists($id: ID!) { lists { edges { node { name owner { username } } } }
  list(id: $id) { name items { edges { node { position movie { title } } } } } }"""


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.RESPONSE_CACHE_ENABLED = True


@pytest.fixture
def catalog():
    drama, actor = GenreFactory(name="Drama"), ActorFactory(name="Ann Lee")
    movie = MovieFactory(title="Night Shift", genres=[drama], actors=[actor])
    ReviewFactory(movie=movie, user=UserFactory(username="alice"), rating=5)
    return movie


def cached_requests(movie) -> list[tuple[str, str, dict | None]]:
    """One request of every kind of cached anonymous answer (keys.REST_PATHS, GraphQL)."""
    review = movie.reviews.get()
    genre, actor = movie.genres.get(), movie.actors.get()
    user_list = UserListFactory(owner=UserFactory(username="curator"))
    fill_list(user_list, [movie])
    return [
        ("get", "/api/movies/", None),
        ("get", "/api/movies/?genre=Drama&actor=Ann&ordering=-average_rating", None),
        ("get", f"/api/movies/{movie.pk}/", None),
        ("get", f"/api/movies/{movie.pk}/reviews/", None),
        ("get", f"/api/movies/{movie.pk}/similar/", None),
        ("get", "/api/movies/genres/", None),
        ("get", f"/api/movies/genres/{genre.pk}/", None),
        ("get", "/api/movies/actors/", None),
        ("get", f"/api/movies/actors/{actor.pk}/", None),
        ("get", "/api/movies/reviews/?genre=Drama", None),
        ("get", f"/api/movies/reviews/{review.pk}/", None),
        ("post", "/graphql/", {"query": FULL_MOVIE, "variables": {"id": str(movie.pk)}}),
        ("post", "/graphql/", {"query": FULL_LIST}),
        ("post", "/graphql/", {"query": GENRES_AND_PEOPLE}),
        ("get", "/api/lists/", None),
        ("get", f"/api/lists/?movie={movie.pk}", None),
        ("get", f"/api/lists/{user_list.pk}/", None),
        ("get", f"/api/lists/{user_list.pk}/items/", None),
        ("post", "/graphql/", {"query": LISTS, "variables": {"id": str(user_list.pk)}}),
    ]


def read(client, method, path, body):
    if method == "get":
        return client.get(path)
    return client.post(path, json.dumps(body), content_type="application/json")


def test_every_cached_answer_reads_only_watched_models_and_is_stored(api_client, catalog):
    # given: every kind of cached anonymous answer, computed once while recording
    for method, path, body in cached_requests(catalog):
        with invalidation.recording() as tables:
            first = read(api_client, method, path, body)
        assert first.status_code == HTTPStatus.OK, (path, first.content)
        # then: every table it read is a watched model's (so it was stored) ...
        assert invalidation.dependencies(tables) is not None, (path, sorted(tables))
        # ... and the next read is answered from the cache
        assert read(api_client, method, path, body)["X-Cache"] == "HIT", path


def test_every_watched_model_has_its_writes_hooked():
    models = invalidation.watched_models()
    labels = {model._meta.label_lower for model in models}
    # the catalog, its links, and the review authors' usernames
    assert labels == {
        "movies.genre",
        "movies.actor",
        "movies.movie",
        "movies.movie_genres",
        "movies.keyword",
        "movies.movie_keywords",
        "movies.casting",
        "movies.crewcredit",
        "movies.rating",
        "movies.review",
        "users.user",
        # the diary: my_state's watch count and the diary pages read it
        "diary.diaryentry",
        "diary.diarytag",
        # trending reads the three lists; recommendations read the neighbours table
        "lists.movielistentry",
        "discovery.movieneighbour",
        # anonymous reads of public lists and their items
        "lists.userlist",
        "lists.userlistitem",
        # trending's per-(movie, hour, kind) counts, its decayed sums and their hours
        "movies.movieactivity",
        "movies.movietrend",
        "movies.trendwindow",
    }
    for model in models:
        # save() and delete() (cascades too) send these
        for signal in (post_save, post_delete):
            assert invalidation._saved in _receivers(signal, model) or (
                invalidation._deleted in _receivers(signal, model)
            ), (model, signal)
        if model._meta.auto_created:
            # add(), remove(), clear() of a many-to-many send no save
            assert invalidation._linked in _receivers(m2m_changed, model), model
        elif invalidation._watched[model._meta.label_lower] is None:
            # update(), bulk_create(), bulk_update() send no signal: the queryset bumps
            assert isinstance(model._default_manager.all(), invalidation.InvalidatingQuerySet)


def test_no_set_based_write_of_a_watched_column_of_a_partly_watched_model():
    # A model watched for some fields (User: username) has a plain queryset: an
    # update() of such a field anywhere in the product code would bump nothing.
    root = Path(__file__).resolve().parents[2]
    watched = {
        field for fields in invalidation._watched.values() if fields is not None for field in fields
    }
    offenders = [
        str(path.relative_to(root))
        for app in ("movies", "users", "lists", "oauth", "movie_api", "core")
        for path in (root / app).rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
        for field in watched
        if re.search(rf"\.update\([^)]*\b{field}\s*=", path.read_text())
    ]
    assert offenders == []


def _receivers(signal, sender) -> list:
    sync, _async = signal._live_receivers(sender)
    return sync


def test_a_watched_model_whose_set_based_writes_would_bump_nothing_is_refused():
    from users.models import LoginFailure  # a plain QuerySet

    with pytest.raises(Exception, match="InvalidatingQuerySet"):
        invalidation.watch(LoginFailure)
    assert not invalidation.watched(LoginFailure)


class _ByAuthor(movie_filters.ReviewFilterSet):
    """A filter reading another app's table (users_user), for these tests only."""

    author = filters.CharFilter(field_name="user__username", lookup_expr="iexact")


def test_a_filter_on_another_apps_table_is_invalidated_by_a_write_there(
    api_client, catalog, monkeypatch
):
    # given: the review list filtered by author name, a column of users_user, stored
    monkeypatch.setattr("movies.selectors.reviews.ReviewFilterSet", _ByAuthor)
    assert _authors(api_client.get(REVIEWS, {"author": "alice"})) == ["alice"]
    assert api_client.get(REVIEWS, {"author": "alice"})["X-Cache"] == "HIT"
    alice = catalog.reviews.get().user
    # when: a login, which writes users_user but no column a cached answer shows
    alice.save(update_fields=["last_login"])
    # then: still served from the cache
    assert api_client.get(REVIEWS, {"author": "alice"})["X-Cache"] == "HIT"
    # when: the author is renamed (the users app's write)
    alice.username = "alicia"
    alice.save()
    # then: the stored answer is dead, the filter no longer matches, the new name does
    response = api_client.get(REVIEWS, {"author": "alice"})
    assert "X-Cache" not in response and _authors(response) == []
    assert _authors(api_client.get(REVIEWS, {"author": "alicia"})) == ["alicia"]


def test_a_rename_leaves_answers_that_do_not_read_users_in_the_cache(api_client, catalog):
    # given: a movie detail (no author in it) and its reviews (authors' names), stored
    detail, reviews = f"/api/movies/{catalog.pk}/", f"/api/movies/{catalog.pk}/reviews/"
    for path in (detail, reviews, detail, reviews):
        api_client.get(path)
    # when: the author is renamed
    author = catalog.reviews.get().user
    author.username = "alicia"
    author.save()
    # then: only the answer that shows the name is computed again
    assert api_client.get(detail)["X-Cache"] == "HIT"
    response = api_client.get(reviews)
    assert "X-Cache" not in response and _authors(response) == ["alicia"]


class _ListedBy(movie_filters.MovieFilterSet):
    """A filter reading a table no app watches (lists), for these tests only."""

    listed_by = filters.CharFilter(field_name="list_entries__user__username")


def test_a_filter_on_a_table_no_app_watches_is_never_stored(api_client, catalog, monkeypatch):
    from lists.models import MovieListEntry

    # given: a movie list filter over users' lists
    monkeypatch.setattr("movies.selectors.catalog.MovieFilterSet", _ListedBy)
    bob = UserFactory(username="bob")
    assert api_client.get("/api/movies/", {"listed_by": "bob"}).json()["count"] == 0
    # when: read again, after a write to the lists
    MovieListEntry.objects.create(user=bob, movie=catalog, kind=MovieListEntry.Kind.FAVORITE)
    response = api_client.get("/api/movies/", {"listed_by": "bob"})
    # then: it was never stored, and shows the write
    assert "X-Cache" not in response and response.json()["count"] == 1


def test_a_cast_replaced_in_bulk_kills_the_movie_detail(api_client, catalog):
    # given: a stored detail showing the cast
    path = f"/api/movies/{catalog.pk}/"
    api_client.get(path)
    assert api_client.get(path)["X-Cache"] == "HIT"
    # when: the cast is written with bulk_create (as movies.services.catalog does)
    Casting.objects.filter(movie=catalog).delete()
    Casting.objects.bulk_create([Casting(movie=catalog, actor=ActorFactory(name="Bo Day"))])
    # then: the next read shows it
    response = api_client.get(path)
    assert "X-Cache" not in response and "Bo Day" in response.content.decode()


def test_migrate_kills_every_stored_answer(api_client, catalog):
    # given: a stored answer
    path = f"/api/movies/{catalog.pk}/"
    api_client.get(path)
    assert api_client.get(path)["X-Cache"] == "HIT"
    # when: migrate runs (a data migration writes through historical models, which
    # send the receivers nothing)
    call_command("migrate", verbosity=0)
    # then: the global generation moved
    assert "X-Cache" not in api_client.get(path)


def _authors(response) -> list[str]:
    assert response.status_code == HTTPStatus.OK, response.content
    return [review["user"]["username"] for review in response.json()["results"]]


def test_an_entry_left_by_the_single_generation_format_is_a_miss():
    # given: an entry stored by a process of the version with one generation (an int)
    from core.caching import generation

    current = generation.lookup("answer")[0]
    generation.store().set("answer", (current[generation.GENERATION_KEY], 200, (), b"old", "", ""))
    # when: looked up now, then: not served (and no error)
    assert generation.lookup("answer") == (current, None)
