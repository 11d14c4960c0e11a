"""The provider's wiring: discovery, JWKS and the client-registration command."""

from http import HTTPStatus

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command
from oauth2_provider.models import get_application_model

from oauth.demo import HELP_DESK_CLIENT_ID, help_desk_register
from oauth.scopes import SCOPES

Application = get_application_model()
HELP_DESK = {
    "name": "Help desk",
    "client_id": "movie-api-help-desk",
    "client_secret": "s3cret-for-tests",
    "redirect_uri": ["http://127.0.0.1:8001/oauth/callback/"],
}


def test_discovery_at_the_root_and_under_o_names_every_endpoint_and_scope(client):
    # when
    root = client.get("/.well-known/openid-configuration")
    under_o = client.get("/o/.well-known/openid-configuration")

    # then
    assert root.status_code == under_o.status_code == HTTPStatus.OK
    assert root.json() == under_o.json()
    document = root.json()
    assert document["issuer"] == "http://testserver/o"
    assert document["authorization_endpoint"] == "http://testserver/o/authorize/"
    assert document["token_endpoint"] == "http://testserver/o/token/"
    assert document["userinfo_endpoint"] == "http://testserver/o/userinfo/"
    assert document["jwks_uri"] == "http://testserver/o/.well-known/jwks.json"
    assert document["revocation_endpoint"] == "http://testserver/o/revoke_token/"
    assert document["introspection_endpoint"] == "http://testserver/o/introspect/"
    assert document["device_authorization_endpoint"] == (
        "http://testserver/o/device-authorization/"
    )
    assert document["scopes_supported"] == list(SCOPES)
    assert document["response_types_supported"] == ["code"]
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert "RS256" in document["id_token_signing_alg_values_supported"]
    assert {"sub", "preferred_username", "email", "is_staff"} <= set(document["claims_supported"])


def test_issuer_follows_the_scheme_and_host_the_proxy_forwards(client, settings):
    # given: production trusts X-Forwarded-Proto from a configured proxy
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = ["api.example.com"]

    # when
    response = client.get(
        "/.well-known/openid-configuration",
        HTTP_HOST="api.example.com",
        HTTP_X_FORWARDED_PROTO="https",
    )

    # then
    document = response.json()
    assert document["issuer"] == "https://api.example.com/o"
    assert document["token_endpoint"] == "https://api.example.com/o/token/"


def test_jwks_publishes_the_rsa_signing_key(client):
    response = client.get("/o/.well-known/jwks.json")

    assert response.status_code == HTTPStatus.OK
    [key] = response.json()["keys"]
    assert (key["kty"], key["alg"], key["use"]) == ("RSA", "RS256", "sig")


@pytest.mark.django_db
def test_register_oauth_client_creates_a_confidential_pkce_client_once(capsys):
    # when: run twice with the same arguments
    call_command("register_oauth_client", **HELP_DESK)
    call_command("register_oauth_client", **HELP_DESK)

    # then: one client, the secret stored hashed, the second run a no-op
    [app] = Application.objects.all()
    assert app.client_id == "movie-api-help-desk"
    assert app.name == "Help desk"
    assert app.client_type == Application.CLIENT_CONFIDENTIAL
    assert app.authorization_grant_type == Application.GRANT_AUTHORIZATION_CODE
    assert app.redirect_uris == "http://127.0.0.1:8001/oauth/callback/"
    assert app.algorithm == Application.RS256_ALGORITHM
    assert check_password("s3cret-for-tests", app.client_secret)
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "Created OAuth client 'movie-api-help-desk'.",
        "Unchanged OAuth client 'movie-api-help-desk'.",
    ]


@pytest.mark.django_db
def test_register_oauth_client_updates_redirect_uris_and_secret():
    call_command("register_oauth_client", **HELP_DESK)

    call_command(
        "register_oauth_client",
        **{
            **HELP_DESK,
            "client_secret": "rotated",
            "redirect_uri": ["https://a/cb", "https://b/cb"],
        },
    )

    app = Application.objects.get(client_id="movie-api-help-desk")
    assert app.redirect_uris == "https://a/cb https://b/cb"
    assert check_password("rotated", app.client_secret)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({**HELP_DESK, "client_secret": ""}, "client_secret: A confidential client needs"),
        ({**HELP_DESK, "public": True}, "client_secret: A public client has no client secret"),
        ({**HELP_DESK, "redirect_uri": ["ftp://x/cb"]}, "redirect_uris:"),
        ({**HELP_DESK, "redirect_uri": []}, "redirect_uris:"),
    ],
)
def test_register_oauth_client_refuses_a_bad_description_and_writes_nothing(arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("register_oauth_client", **arguments)

    assert not Application.objects.exists()


@pytest.mark.django_db
def test_staff_register_clients_in_the_admin(client, staff):
    # given a staff member signed in to the admin
    staff.is_superuser = True
    staff.save(update_fields=["is_superuser"])
    client.force_login(staff)

    # when they open the applications and the form to add one
    listing = client.get("/admin/oauth2_provider/application/")
    form = client.get("/admin/oauth2_provider/application/add/")

    # then both pages are there, with the fields a registration needs
    assert listing.status_code == form.status_code == HTTPStatus.OK
    for field in ("client_id", "client_secret", "redirect_uris", "client_type", "algorithm"):
        assert f'name="{field}"'.encode() in form.content


@pytest.mark.django_db
def test_demo_data_registers_the_help_desk_only_where_http_callbacks_are_allowed(settings):
    # given the production rule: only https redirect URIs
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    }

    # when the demo data registers the desk (its callback is http on loopback)
    registration = help_desk_register()

    # then nothing is registered and nothing fails; locally it is registered
    assert registration is None
    assert not Application.objects.filter(client_id=HELP_DESK_CLIENT_ID).exists()
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"],
    }
    assert help_desk_register().created
    assert Application.objects.filter(client_id=HELP_DESK_CLIENT_ID).exists()
