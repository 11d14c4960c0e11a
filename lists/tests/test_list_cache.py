"""Anonymous reads of public lists come from the response cache, with exact invalidation
(docs/caching.md; the lists app watches its two models, lists/apps.py).

`GET /api/lists/`, `/api/lists/{id}/` and `/api/lists/{id}/items/`, and GraphQL's
`lists` / `list`: a second anonymous read is a hit with no query; every write that
changes what they show (the list, an item added, moved or taken off, the list made
private, a movie's title, the owner's account deleted) is seen on the next read; a
private list is never in an answer stored for everyone; two different requests never
share an entry.
"""

from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import bearer_client
from lists.tests.factories import UserListFactory, fill_list
from movies.services import catalog
from movies.tests.factories import MovieFactory
from users.services.deletion import user_delete
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.RESPONSE_CACHE_ENABLED = True


@pytest.fixture
def owner():
    return UserFactory(username="curator")


@pytest.fixture
def movies():
    return [MovieFactory(title=title) for title in ("Alpha", "Beta", "Gamma")]


@pytest.fixture
def public(owner, movies):
    user_list = UserListFactory(owner=owner, name="Best of")
    fill_list(user_list, movies[:2])
    return user_list


def read(client, url):
    """(status, body, queries, X-Cache) of an anonymous GET."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    body = response.json() if response.content else None
    return response.status_code, body, len(queries), response.get("X-Cache")


def titles(body) -> list[str]:
    return [row["movie"]["title"] for row in body["results"]]


def test_a_second_anonymous_read_of_each_route_is_a_hit(api_client, public):
    for url in ("/api/lists/", f"/api/lists/{public.pk}/", f"/api/lists/{public.pk}/items/"):
        status, first, queries, _ = read(api_client, url)
        assert status == HTTPStatus.OK and queries > 0
        # a hit: the same body, no query, and a public answer a CDN may keep
        status, again, queries, hit = read(api_client, url)
        assert (status, again, queries, hit) == (HTTPStatus.OK, first, 0, "HIT"), url
        response = api_client.get(url)
        assert response["Cache-Control"].startswith("public, ")
        assert {"Authorization", "Cookie"} <= {v.strip() for v in response["Vary"].split(",")}


def test_writes_to_the_list_and_its_items_are_seen_on_the_next_read(
    api_client, owner, public, movies
):
    items = f"/api/lists/{public.pk}/items/"
    detail = f"/api/lists/{public.pk}/"
    assert titles(read(api_client, items)[1]) == ["Alpha", "Beta"]
    assert read(api_client, detail)[1]["name"] == "Best of"
    assert read(api_client, "/api/lists/")[1]["results"][0]["item_count"] == 2
    writer = bearer_client(owner)

    # an item added (at the top)
    response = writer.post(items, {"movie_id": movies[2].pk, "position": 1}, format="json")
    assert response.status_code == HTTPStatus.CREATED
    _status, body, queries, hit = read(api_client, items)
    assert (titles(body), hit) == (["Gamma", "Alpha", "Beta"], None) and queries > 0
    assert read(api_client, "/api/lists/")[1]["results"][0]["item_count"] == 3
    assert read(api_client, items)[3] == "HIT"

    # an item moved (the others shift by update(), which sends no signal)
    response = writer.patch(f"{items}{movies[2].pk}/", {"position": 3}, format="json")
    assert response.status_code == HTTPStatus.OK
    assert titles(read(api_client, items)[1]) == ["Alpha", "Beta", "Gamma"]

    # an item taken off
    assert writer.delete(f"{items}{movies[0].pk}/").status_code == HTTPStatus.NO_CONTENT
    body = read(api_client, items)[1]
    assert (titles(body), [row["position"] for row in body["results"]]) == (
        ["Beta", "Gamma"],
        [1, 2],
    )

    # the list renamed
    assert writer.patch(detail, {"name": "Better of"}, format="json").status_code == 200
    assert read(api_client, detail)[1]["name"] == "Better of"
    assert read(api_client, "/api/lists/")[1]["results"][0]["name"] == "Better of"

    # a movie on it retitled in the catalog
    catalog.movie_update(user=UserFactory(is_staff=True), movie=movies[1], title="Beta (1999)")
    assert titles(read(api_client, items)[1]) == ["Beta (1999)", "Gamma"]


def test_a_list_made_private_leaves_every_anonymous_answer(api_client, owner, public):
    urls = ("/api/lists/", f"/api/lists/{public.pk}/", f"/api/lists/{public.pk}/items/")
    for url in urls:
        assert read(api_client, url)[0] == HTTPStatus.OK
        assert read(api_client, url)[3] == "HIT"
    writer = bearer_client(owner)
    response = writer.patch(f"/api/lists/{public.pk}/", {"is_public": False}, format="json")
    assert response.status_code == HTTPStatus.OK
    assert read(api_client, urls[0])[1]["results"] == []
    for url in urls[1:]:
        status, body, _queries, hit = read(api_client, url)
        assert (status, hit) == (HTTPStatus.NOT_FOUND, None)
        assert body["detail"] == f"No list with id {public.pk}."


def test_the_owners_account_deleted_takes_their_lists_out(api_client, owner, public):
    assert read(api_client, "/api/lists/")[1]["count"] == 1
    assert read(api_client, f"/api/lists/{public.pk}/")[3] is None
    assert read(api_client, f"/api/lists/{public.pk}/")[3] == "HIT"
    user_delete(user=owner)
    assert read(api_client, "/api/lists/")[1]["count"] == 0
    assert read(api_client, f"/api/lists/{public.pk}/")[0] == HTTPStatus.NOT_FOUND


def test_a_private_list_never_enters_a_shared_entry(api_client, owner, public, movies):
    secret = UserListFactory(owner=owner, name="Secret", is_public=False)
    fill_list(secret, movies[2:])
    owner_client = bearer_client(owner)
    # the owner reads their own lists first: answers for them alone, never stored
    for url in ("/api/lists/", f"/api/lists/{secret.pk}/", f"/api/lists/{secret.pk}/items/"):
        for _ in range(2):
            response = owner_client.get(url)
            assert response.status_code == HTTPStatus.OK
            assert response.get("X-Cache") is None
            assert response["Cache-Control"] == "private, no-cache"
    assert "Secret" in [row["name"] for row in owner_client.get("/api/lists/").json()["results"]]
    # then anonymous callers: the stored answer of the lists has no private list in it,
    # and a private list is a 404 that is not stored either
    for _ in range(2):
        status, body, _queries, _hit = read(api_client, "/api/lists/")
        assert [row["name"] for row in body["results"]] == ["Best of"]
        for url in (f"/api/lists/{secret.pk}/", f"/api/lists/{secret.pk}/items/"):
            status, body, _queries, hit = read(api_client, url)
            assert (status, hit) == (HTTPStatus.NOT_FOUND, None)
    # and the owner's private list still reads for the owner after the anonymous reads
    assert owner_client.get(f"/api/lists/{secret.pk}/").json()["name"] == "Secret"


def test_two_different_requests_never_share_an_entry(api_client, owner, public, movies):
    other_owner = UserFactory(username="other")
    other = UserListFactory(owner=other_owner, name="Other")
    fill_list(other, movies[2:])
    pairs = [
        (f"/api/lists/{public.pk}/", f"/api/lists/{other.pk}/"),
        (f"/api/lists/{public.pk}/items/", f"/api/lists/{other.pk}/items/"),
        (f"/api/lists/?owner={owner.pk}", f"/api/lists/?owner={other_owner.pk}"),
        (f"/api/lists/?movie={movies[0].pk}", f"/api/lists/?movie={movies[2].pk}"),
        ("/api/lists/?page_size=1", "/api/lists/?page_size=1&page=2"),
        (
            f"/api/lists/{public.pk}/items/?page_size=1",
            f"/api/lists/{public.pk}/items/?page_size=1&page=2",
        ),
    ]
    for first_url, second_url in pairs:
        first = read(api_client, first_url)
        second = read(api_client, second_url)
        # the second is computed (no hit) and differs from the first
        assert first[0] == second[0] == HTTPStatus.OK
        assert second[3] is None and second[2] > 0, second_url
        assert second[1] != first[1], second_url
        # each then hits its own entry
        assert read(api_client, first_url)[1:] == (first[1], 0, "HIT")
        assert read(api_client, second_url)[1:] == (second[1], 0, "HIT")


LISTS = """query($id: ID!) { lists { edges { node { name itemCount } } }
  list(id: $id) { name items { edges { node { position movie { title } } } } } }"""


def test_graphql_anonymous_lists_are_cached_and_invalidated(api_client, owner, public, movies):
    def ask():
        response = api_client.post(
            "/graphql/", {"query": LISTS, "variables": {"id": public.pk}}, format="json"
        )
        return response.json(), response.get("X-Cache")

    first, hit = ask()
    assert hit is None and "errors" not in first
    assert ask() == (first, "HIT")
    response = bearer_client(owner).post(
        f"/api/lists/{public.pk}/items/", {"movie_id": movies[2].pk}, format="json"
    )
    assert response.status_code == HTTPStatus.CREATED
    body, hit = ask()
    assert hit is None
    assert body["data"]["lists"]["edges"][0]["node"]["itemCount"] == 3
    edges = body["data"]["list"]["items"]["edges"]
    assert [edge["node"]["movie"]["title"] for edge in edges] == ["Alpha", "Beta", "Gamma"]
