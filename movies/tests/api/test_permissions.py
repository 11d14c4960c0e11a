"""Route permissions: who may call which catalog route, walked from the router itself.

Every route x method of the catalog ViewSets must have a rule in RULES, so a new
route (or a new extra action) without a decision fails `test_every_catalog_route_has_a_rule`.
"""

from http import HTTPStatus

import pytest
from django.urls import reverse

from conftest import bearer_client
from movies.api import urls as movie_urls
from movies.api.views import ActorViewSet, GenreViewSet, MovieViewSet
from movies.models import Actor, Genre, Movie
from movies.tests.factories import ActorFactory, GenreFactory, MovieFactory
from users.tests.factories import UserFactory

CATALOG_VIEWSETS = {MovieViewSet, GenreViewSet, ActorViewSet}

READ, WRITE = "read", "write"
RULES = {
    ("movie-list", "get"): READ,
    ("movie-list", "post"): WRITE,
    ("movie-detail", "get"): READ,
    ("movie-detail", "put"): WRITE,
    ("movie-detail", "patch"): WRITE,
    ("movie-detail", "delete"): WRITE,
    ("movie-similar", "get"): READ,
    ("genre-list", "get"): READ,
    ("genre-list", "post"): WRITE,
    ("genre-detail", "get"): READ,
    ("genre-detail", "put"): WRITE,
    ("genre-detail", "patch"): WRITE,
    ("genre-detail", "delete"): WRITE,
    ("actor-list", "get"): READ,
    ("actor-list", "post"): WRITE,
    ("actor-detail", "get"): READ,
    ("actor-detail", "put"): WRITE,
    ("actor-detail", "patch"): WRITE,
    ("actor-detail", "delete"): WRITE,
}

# A valid staff body per resource, and how to read back the field it changes.
BODIES = {
    "movie": ({"title": "Changed title"}, Movie, "title"),
    "genre": ({"name": "Changed name"}, Genre, "name"),
    "actor": ({"name": "Changed name"}, Actor, "name"),
}
STAFF_STATUS = {
    "get": HTTPStatus.OK,
    "post": HTTPStatus.CREATED,
    "put": HTTPStatus.OK,
    "patch": HTTPStatus.OK,
    "delete": HTTPStatus.NO_CONTENT,
}


def routes():
    """(url name, http method, viewset) for every route of movies.api.urls."""
    for pattern in movie_urls.urlpatterns:
        callback = pattern.callback
        for method in getattr(callback, "actions", {}):
            if method == "head":  # answered like GET by the same action
                continue
            yield pattern.name, method, getattr(callback, "cls", None)


def test_every_catalog_route_has_a_rule():
    # given the router's routes
    catalog = {(name, method) for name, method, cls in routes() if cls in CATALOG_VIEWSETS}
    others = {(name, method) for name, method, cls in routes() if cls not in CATALOG_VIEWSETS}

    # then every catalog route/method is decided, and no rule names a missing route
    assert catalog - RULES.keys() == set()
    assert RULES.keys() - catalog == set()
    # and routes of other ViewSets belong to the reviews work (tested there)
    assert all(name.startswith("review") or "review" in name for name, _ in others)


@pytest.fixture
def catalog_objects(db):
    return {
        "movie": MovieFactory(title="Original"),
        "genre": GenreFactory(name="Original"),
        "actor": ActorFactory(name="Original"),
    }


def _url(name, objects):
    resource, kind = name.split("-")
    if kind == "list":
        return reverse(name)
    return reverse(name, kwargs={"pk": objects[resource].pk})


def _call(client, method, url, body):
    if method in ("post", "put", "patch"):
        return getattr(client, method)(url, body, format="json")
    return getattr(client, method)(url)


@pytest.mark.parametrize(("name", "method"), sorted(RULES))
@pytest.mark.parametrize("role", ["anonymous", "user", "staff"])
def test_permission_matrix(role, name, method, catalog_objects, api_client):
    # given a caller in `role` and one object of each kind
    client = {
        "anonymous": api_client,
        "user": bearer_client(UserFactory()) if role == "user" else None,
        "staff": bearer_client(UserFactory(is_staff=True)) if role == "staff" else None,
    }[role]
    resource = name.split("-")[0]
    body, model, field = BODIES[resource]
    before = sorted(model.objects.values_list("id", field))

    # when it calls the route
    response = _call(client, method, _url(name, catalog_objects), body)

    # then reads are public and writes are staff-only
    if RULES[(name, method)] == READ:
        assert response.status_code == HTTPStatus.OK
        return
    if role == "staff":
        assert response.status_code == STAFF_STATUS[method], response.content
        after = sorted(model.objects.values_list("id", field))
        assert after != before
        return
    expected = HTTPStatus.UNAUTHORIZED if role == "anonymous" else HTTPStatus.FORBIDDEN
    assert response.status_code == expected
    assert response.json()["status"] == expected
    if role == "anonymous":
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert sorted(model.objects.values_list("id", field)) == before
