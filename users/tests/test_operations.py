"""The accounts' operation table (users/operations.py) is what both doors obey."""

from http import HTTPStatus

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

from core.operations import Operation
from movie_api.schema import schema
from oauth import operations as oauth_ops
from users import operations as users_ops


def _table(module) -> set[Operation]:
    return {value for value in vars(module).values() if isinstance(value, Operation)}


def _rest_operations(patterns=None) -> set[Operation]:
    named = set()
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            named |= _rest_operations(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            view_class = getattr(pattern.callback, "view_class", None)
            if getattr(view_class, "operation", None) is not None:
                named.add(view_class.operation)
                named.update(getattr(view_class, "operations_by_method", {}).values())
    return named


def _graphql_operations() -> set[Operation]:
    fields = schema.graphql_schema.mutation_type.fields.values()
    types = (getattr(field.type, "of_type", field.type) for field in fields)
    return {
        graphene_type.operation
        for graphene_type in (getattr(each, "graphene_type", None) for each in types)
        if getattr(graphene_type, "operation", None) is not None
    }


def test_every_scope_of_an_operation_has_a_rate_in_settings():
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    for operation in _table(users_ops) | _table(oauth_ops):
        assert operation.scope is None or operation.scope in rates, operation.name


def test_every_account_operation_is_a_rest_view():
    assert _table(users_ops) <= _rest_operations()


def test_every_graphql_mutation_with_limits_names_an_operation_of_a_rest_view():
    # given the operations the GraphQL mutations name
    named = _graphql_operations()
    # then there are some, and each one is also what a REST view names: one description
    assert users_ops.LOGIN in named
    assert named <= _rest_operations()


def test_a_limit_changed_in_the_table_moves_both_doors(api_client, gql, monkeypatch, db):
    # given the resend operation counted against the login scope, whose rate is used up
    from core.security.ratelimit import configured_rates

    moved = Operation(
        "otp_resend",
        scope="login",
        transaction=users_ops.OTP_RESEND.transaction,
        credentials=users_ops.OTP_RESEND.credentials,
    )
    from users.api.views import OTPResendView
    from users.graphql.mutations import ResendOtp

    monkeypatch.setattr(OTPResendView, "operation", moved)
    monkeypatch.setattr(ResendOtp, "operation", moved)
    monkeypatch.setitem(configured_rates(), "login", "0/min")
    # when a code is asked through each door
    rest = api_client.post("/api/users/otp/resend/", {"phone_number": "+14155550199"})
    graphql = gql(
        'mutation { resendOtp(phoneNumber: "+14155550199") { ok } }',
    )
    # then both refuse it by the login scope's rate
    assert rest.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert graphql["errors"][0]["extensions"]["code"] == "THROTTLED"


def test_a_stale_token_does_not_block_a_password_reset_request_on_either_door(gql, db):
    # given a client still sending a token that is not valid (the operation reads no
    # credentials: users_ops.PASSWORD_RESET)
    from rest_framework.test import APIClient

    stale = APIClient()
    stale.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    # when it asks for a reset code through each door
    rest = stale.post("/api/users/password/reset/", {"username": "nobody"}, format="json")
    graphql = gql(
        'mutation { requestPasswordReset(username: "nobody") { ok message } }', client=stale
    )
    # then both accept it, with the same message
    assert rest.status_code == HTTPStatus.OK
    message = rest.json()["detail"]
    assert graphql == {"data": {"requestPasswordReset": {"ok": True, "message": message}}}
