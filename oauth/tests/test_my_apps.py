"""A user sees the apps they authorized and revokes one: GET/DELETE /api/users/me/apps/
and the GraphQL twin (myApps, revokeApp), over oauth.selectors and oauth.services."""

from http import HTTPStatus

import pytest

from conftest import bearer_client
from oauth.selectors import authorized_apps
from oauth.tests.helpers import app_token, bearer, code_flow_tokens, token_request, web_app

pytestmark = pytest.mark.django_db

MY_APPS = "{ myApps { id name clientId scopes authorizedAt } }"
REVOKE = "mutation($id: ID!) { revokeApp(id: $id) { ok } }"


def graphql(client, query, **variables):
    return client.post("/graphql/", {"query": query, "variables": variables}, format="json").json()


def test_my_apps_lists_the_apps_i_authorized_with_their_scopes(client, user, other_user):
    # given two apps authorized by the user, one by someone else
    desk = web_app(name="Help desk", client_id="desk")
    tv = web_app(name="TV", client_id="tv")
    code_flow_tokens(client, desk, user, scope="openid profile read")
    app_token(user, tv, "read write:lists")
    app_token(other_user, web_app(name="Other", client_id="other"), "read")
    me = bearer_client(user)

    # when
    rest = me.get("/api/users/me/apps/")
    gql = graphql(me, MY_APPS)

    # then: newest first, scopes in the documented order, on both doors
    assert rest.status_code == HTTPStatus.OK
    assert [(a["name"], a["client_id"], a["scopes"]) for a in rest.json()] == [
        ("TV", "tv", ["read", "write:lists"]),
        ("Help desk", "desk", ["openid", "profile", "read"]),
    ]
    assert [(a["id"], a["name"], a["clientId"], a["scopes"]) for a in gql["data"]["myApps"]] == [
        (str(a["id"]), a["name"], a["client_id"], a["scopes"]) for a in rest.json()
    ]
    assert rest.json()[0]["id"] == tv.pk


def test_revoking_an_app_stops_its_tokens_on_both_doors(client, user):
    # given
    desk = web_app(client_id="desk")
    tokens = code_flow_tokens(client, desk, user, scope="read")
    tv = web_app(client_id="tv")
    tv_token = app_token(user, tv, "read")

    # when
    revoked = bearer_client(user).delete(f"/api/users/me/apps/{desk.pk}/")

    # then the desk's tokens are dead, the TV's still live
    assert revoked.status_code == HTTPStatus.NO_CONTENT
    assert (
        bearer(tokens["access_token"]).get("/api/users/me/").status_code == HTTPStatus.UNAUTHORIZED
    )
    gql = graphql(bearer(tokens["access_token"]), "{ me { username } }")
    assert gql["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    refreshed = token_request(
        client, "desk", grant_type="refresh_token", refresh_token=tokens["refresh_token"]
    )
    assert refreshed.json()["error"] == "invalid_grant"
    assert bearer(tv_token).get("/api/users/me/").status_code == HTTPStatus.OK
    assert [app.client_id for app in authorized_apps(user=user)] == ["tv"]


def test_revoke_app_over_graphql(user):
    desk = web_app(client_id="desk")
    token = app_token(user, desk, "read")

    answer = graphql(bearer_client(user), REVOKE, id=desk.pk)

    assert answer == {"data": {"revokeApp": {"ok": True}}}
    assert bearer(token).get("/api/users/me/").status_code == HTTPStatus.UNAUTHORIZED


def test_an_app_i_never_authorized_is_not_found_on_both_doors(user, other_user):
    theirs = web_app(client_id="theirs")
    their_token = app_token(other_user, theirs, "read")
    me = bearer_client(user)

    rest = me.delete(f"/api/users/me/apps/{theirs.pk}/")
    gql = graphql(me, REVOKE, id=theirs.pk)
    not_an_id = graphql(me, REVOKE, id="abc")

    message = f"No authorized app with id {theirs.pk}."
    assert rest.status_code == HTTPStatus.NOT_FOUND
    assert rest.json()["detail"] == message
    assert gql["errors"][0]["message"] == message
    assert gql["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert not_an_id["errors"][0]["message"] == "No authorized app with id abc."
    assert bearer(their_token).get("/api/users/me/").status_code == HTTPStatus.OK


def test_my_apps_needs_a_signed_in_caller(api_client):
    assert api_client.get("/api/users/me/apps/").status_code == HTTPStatus.UNAUTHORIZED
    answer = graphql(api_client, MY_APPS)
    assert answer["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_an_app_may_list_apps_with_read_but_revoke_only_with_account(user):
    desk = web_app(client_id="desk")
    reader = bearer(app_token(user, desk, "read"))

    listed = reader.get("/api/users/me/apps/")
    refused = reader.delete(f"/api/users/me/apps/{desk.pk}/")

    assert listed.status_code == HTTPStatus.OK
    assert refused.status_code == HTTPStatus.FORBIDDEN
    assert "'account' scope" in refused.json()["detail"]


def test_my_apps_costs_the_same_queries_for_one_app_or_many(user, django_assert_max_num_queries):
    for index in range(5):
        app_token(user, web_app(client_id=f"app-{index}"), "read")

    # the user's own row is loaded by the caller; the selector itself:
    with django_assert_max_num_queries(3):
        apps = authorized_apps(user=user)

    assert len(apps) == 5
