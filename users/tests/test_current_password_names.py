"""One name for the current password on both doors, `current_password`; the old names
(`old_password`, `password`) still work, deprecated: headers, schema, one message."""

from http import HTTPStatus

import pytest
from django.test import override_settings
from django.utils import timezone

from conftest import bearer_client
from core.security.ratelimit import configured_rates
from core.versions import DEPRECATIONS
from users.current_password import TWICE_MESSAGE
from users.services import WRONG_PASSWORD_MESSAGE
from users.services.attempts import CURRENT_PASSWORD_REQUIRED_MESSAGE
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pass-Word-123"
NEW_PHONE = "+14155559876"
HEADERS = DEPRECATIONS["current_password"].headers()
# path, the deprecated name, and the rest of the body, of every REST step that asks.
REST_STEPS = {
    "password": ("/api/users/me/password/", "old_password", {"new_password": "N3w-Pass-9x"}),
    "email": ("/api/users/me/email/", "password", {"email": "new@example.com"}),
    "phone": ("/api/users/me/phone/", "password", {"phone_number": NEW_PHONE}),
    "deletion": ("/api/users/me/delete/", "password", {}),
}
GRAPHQL_STEPS = {
    "email": ("changeEmail", 'email: "new@example.com"'),
    "phone": ("requestPhoneChange", f'phoneNumber: "{NEW_PHONE}"'),
    "deletion": ("deleteAccount", ""),
}


@pytest.fixture(autouse=True)
def roomy_request_throttles(monkeypatch):
    for scope in ("login", "email_change", "otp_resend"):
        monkeypatch.setitem(configured_rates(), scope, "1000/min")


@pytest.fixture
def member():
    return UserFactory(phone_number="+14155550111", phone_verified_at=timezone.now())


def rest(member, step, passwords):
    path, _old, body = REST_STEPS[step]
    return bearer_client(member).post(path, {**body, **passwords}, format="json")


def graphql(member, step, arguments):
    field, rest_of = GRAPHQL_STEPS[step]
    given = ", ".join(filter(None, [arguments, rest_of]))
    document = f"mutation {{ {field}{f'({given})' if given else ''} {{ ok }} }}"
    return bearer_client(member).post("/graphql/", {"query": document}, format="json")


def deprecation_headers(response) -> dict:
    return {name: response[name] for name in ("Deprecation", "Sunset") if name in response}


@pytest.mark.parametrize("step", REST_STEPS)
def test_rest_takes_current_password_without_deprecation(step, member):
    response = rest(member, step, {"current_password": PASSWORD})

    assert response.status_code == HTTPStatus.OK, response.json()
    assert deprecation_headers(response) == {}


@pytest.mark.parametrize("step", REST_STEPS)
def test_rest_still_takes_the_old_name_and_says_it_is_deprecated(step, member):
    _path, old, _body = REST_STEPS[step]

    response = rest(member, step, {old: PASSWORD})

    # then it works, and the answer says when the name goes (RFC 9745 / RFC 8594)
    assert response.status_code == HTTPStatus.OK, response.json()
    assert deprecation_headers(response) == HEADERS
    assert response["Deprecation"].startswith("@")
    assert response["Sunset"].endswith(" GMT")


@pytest.mark.parametrize("step", REST_STEPS)
def test_rest_errors_name_the_field_the_client_sent(step, member):
    _path, old, _body = REST_STEPS[step]

    new_name = rest(member, step, {"current_password": "wrong-1"}).json()["errors"]
    old_name = rest(member, step, {old: "wrong-1"}).json()["errors"]
    neither = rest(member, step, {}).json()["errors"]
    both = rest(member, step, {"current_password": PASSWORD, old: PASSWORD}).json()["errors"]

    assert new_name == [
        {"field": "current_password", "code": "invalid", "message": WRONG_PASSWORD_MESSAGE}
    ]
    assert old_name == [{"field": old, "code": "invalid", "message": WRONG_PASSWORD_MESSAGE}]
    assert neither == [
        {
            "field": "current_password",
            "code": "required",
            "message": CURRENT_PASSWORD_REQUIRED_MESSAGE,
        }
    ]
    assert both == [{"field": "current_password", "code": "invalid", "message": TWICE_MESSAGE}]


@pytest.mark.parametrize("step", GRAPHQL_STEPS)
def test_graphql_takes_current_password_without_deprecation(step, member):
    response = graphql(member, step, f'currentPassword: "{PASSWORD}"')

    assert response.json()["data"][GRAPHQL_STEPS[step][0]] == {"ok": True}
    assert deprecation_headers(response) == {}


@pytest.mark.parametrize("step", GRAPHQL_STEPS)
def test_graphql_still_takes_the_old_name_and_says_it_is_deprecated(step, member):
    response = graphql(member, step, f'password: "{PASSWORD}"')

    assert response.json()["data"][GRAPHQL_STEPS[step][0]] == {"ok": True}
    assert deprecation_headers(response) == HEADERS


@pytest.mark.parametrize("step", GRAPHQL_STEPS)
def test_graphql_errors_carry_the_rest_messages(step, member):
    def error(arguments):
        (only,) = graphql(member, step, arguments).json()["errors"]
        return only["extensions"]["field"], only["extensions"]["errors"][0]["message"]

    assert error('currentPassword: "wrong-1"') == ("currentPassword", WRONG_PASSWORD_MESSAGE)
    assert error('password: "wrong-1"') == ("password", WRONG_PASSWORD_MESSAGE)
    assert error("") == ("currentPassword", CURRENT_PASSWORD_REQUIRED_MESSAGE)
    assert error(f'currentPassword: "{PASSWORD}", password: "{PASSWORD}"') == (
        "currentPassword",
        TWICE_MESSAGE,
    )


def test_the_schema_marks_the_old_argument_deprecated(api_client):
    # given the schema as a client reads it
    query = """{ __type(name: "Mutation") { fields { name
        args(includeDeprecated: true) { name isDeprecated deprecationReason } } } }"""
    with override_settings(GRAPHQL_INTROSPECTION=True):
        fields = api_client.post("/graphql/", {"query": query}, format="json").json()
    arguments = {
        field["name"]: {arg["name"]: arg for arg in field["args"]}
        for field in fields["data"]["__type"]["fields"]
    }

    # then each step's `password` carries @deprecated with the declared reason
    for field, _rest in GRAPHQL_STEPS.values():
        assert arguments[field]["password"]["isDeprecated"] is True
        assert arguments[field]["password"]["deprecationReason"] == (
            DEPRECATIONS["current_password"].reason
        )
        assert arguments[field]["currentPassword"]["isDeprecated"] is False
