"""An account's lifetime over GraphQL, each operation checked against its REST twin.

Same data through both doors, same outcome in the database (REST: users/tests/test_lifecycle.py).
"""

from decimal import Decimal
from http import HTTPStatus

import pytest
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from conftest import bearer_client
from lists import services as lists_services
from lists.models import MovieListEntry
from movies.services import review_create
from movies.tests.factories import MovieFactory
from users import services
from users.models import OTPCode, OTPSendLog, PhoneVerificationState, User
from users.tests.factories import UserFactory
from users.tests.helpers import LOGIN_URL, REFRESH_URL

pytestmark = pytest.mark.django_db

PASSWORD = "pass-Word-123"
NEW_PASSWORD = "Fresh-Start-2026"

REQUEST_RESET = """
mutation($phone: String, $username: String) {
  requestPasswordReset(phoneNumber: $phone, username: $username) { ok message }
}
"""
RESET = """
mutation($phone: String!, $code: String!, $password: String!) {
  resetPassword(phoneNumber: $phone, code: $code, newPassword: $password) { ok message }
}
"""
REQUEST_PHONE = """
mutation($password: String!, $phone: String!) {
  requestPhoneChange(password: $password, phoneNumber: $phone) { ok message }
}
"""
CONFIRM_PHONE = """
mutation($phone: String!, $code: String!) {
  confirmPhoneChange(phoneNumber: $phone, code: $code) { ok message phoneNumber }
}
"""
CHANGE_EMAIL = """
mutation($password: String!, $email: String!) {
  changeEmail(password: $password, email: $email) { ok message email verificationRequired }
}
"""
DELETE_ACCOUNT = """
mutation($password: String!) { deleteAccount(password: $password) { ok message } }
"""
EXPORT = "{ me { export } }"


@pytest.fixture
def member(new_phone):
    """An active account with a verified phone (password PASSWORD)."""
    return UserFactory(phone_number=new_phone(), phone_verified_at=timezone.now())


def error_of(result) -> dict:
    (error,) = result["errors"]
    return {"code": error["extensions"]["code"], "field": error["extensions"].get("field")}


def test_reset_password_through_graphql_revokes_tokens(gql, member, sms_log):
    # given a token pair issued before the reset
    tokens = services.login_tokens(user=member)

    # when the member asks for a code by phone and resets with it
    asked = gql(REQUEST_RESET, {"phone": member.phone_number})
    (code,) = sms_log(to=member.phone_number)
    reset = gql(RESET, {"phone": member.phone_number, "code": code, "password": NEW_PASSWORD})

    # then both answer like REST, the new password signs in and old tokens are dead
    assert asked == {
        "data": {"requestPasswordReset": {"ok": True, "message": services.RESET_REQUESTED_MESSAGE}}
    }
    assert reset == {
        "data": {"resetPassword": {"ok": True, "message": services.PASSWORD_RESET_MESSAGE}}
    }
    client = APIClient()
    login = client.post(LOGIN_URL, {"username": member.username, "password": NEW_PASSWORD})
    assert login.status_code == HTTPStatus.OK
    refreshed = client.post(REFRESH_URL, {"refresh": tokens["refresh"]})
    assert refreshed.status_code == HTTPStatus.UNAUTHORIZED
    stale = APIClient()
    stale.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert gql(EXPORT, client=stale)["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize("variable", ["phone", "username"])
def test_reset_request_answers_known_and_unknown_alike(gql, member, new_phone, variable, sms_log):
    # given a known and an unknown account
    known = {"phone": member.phone_number, "username": member.username}[variable]
    unknown = {"phone": new_phone(), "username": "nobody-here"}[variable]

    # when each is asked for twice
    known_answers = [gql(REQUEST_RESET, {variable: known}) for _ in range(2)]
    unknown_answers = [gql(REQUEST_RESET, {variable: unknown}) for _ in range(2)]

    # then the documents are equal (retryAfter may differ by a second at most, and each
    # answer has its own request id)
    def shape(result):
        for error in result.get("errors", []):
            error["extensions"].pop("retryAfter", None)
        result.pop("extensions", None)
        return result

    assert [shape(r) for r in known_answers] == [shape(r) for r in unknown_answers]
    # and the same sends are logged (by number the second is inside the cooldown and logs
    # nothing; by name each logs one), while only the real account got an SMS
    assert all(not r.get("errors") for r in known_answers)
    assert OTPSendLog.objects.count() == {"phone": 2, "username": 4}[variable]
    assert sms_log() == sms_log(to=member.phone_number) and len(sms_log()) == 1


def test_reset_with_a_wrong_code_names_the_field_and_counts_the_failure(gql, member):
    # when a wrong code is tried
    result = gql(RESET, {"phone": member.phone_number, "code": "000000", "password": NEW_PASSWORD})

    # then it is BAD_USER_INPUT on `code` and the failure counter survived the error
    assert error_of(result) == {"code": "BAD_USER_INPUT", "field": "code"}
    assert PhoneVerificationState.objects.get(phone_number=member.phone_number).failure_count == 1


def test_a_weak_new_password_is_refused_on_new_password(gql, member, fixed_codes):
    # given a reset code
    fixed_codes("777777")
    gql(REQUEST_RESET, {"phone": member.phone_number})

    # when a weak password is sent
    result = gql(RESET, {"phone": member.phone_number, "code": "777777", "password": "123"})

    # then it names newPassword and the password is unchanged
    assert error_of(result)["field"] == "newPassword"
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_phone_change_through_graphql(gql, member, new_phone, sms_log):
    # given a signed-in member and a new number
    client = bearer_client(member)
    new = new_phone()

    # when they ask for the change and confirm the code
    asked = gql(REQUEST_PHONE, {"password": PASSWORD, "phone": new}, client=client)
    (code,) = sms_log(to=new)
    member.refresh_from_db()
    unchanged = member.phone_number
    confirmed = gql(CONFIRM_PHONE, {"phone": new, "code": code}, client=client)

    # then the number changed only on confirmation
    assert asked == {
        "data": {"requestPhoneChange": {"ok": True, "message": services.PHONE_CODE_SENT_MESSAGE}}
    }
    assert unchanged != new
    assert confirmed == {
        "data": {
            "confirmPhoneChange": {
                "ok": True,
                "message": services.PHONE_CHANGED_MESSAGE,
                "phoneNumber": new,
            }
        }
    }
    member.refresh_from_db()
    assert member.phone_number == new


def test_phone_change_with_a_wrong_password_is_refused_on_password(gql, member, new_phone):
    # when the wrong password is given
    result = gql(
        REQUEST_PHONE, {"password": "nope", "phone": new_phone()}, client=bearer_client(member)
    )

    # then nothing is sent and the field is named
    assert error_of(result) == {"code": "BAD_USER_INPUT", "field": "password"}
    assert not OTPCode.objects.exists()


def test_lifetime_mutations_need_a_signed_in_caller(gql):
    # when an anonymous caller changes an email or deletes an account
    email = gql(CHANGE_EMAIL, {"password": PASSWORD, "email": "a@example.com"})
    delete = gql(DELETE_ACCOUNT, {"password": PASSWORD})
    export = gql(EXPORT)

    # then each is UNAUTHENTICATED
    for result in (email, delete, export):
        assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_change_email_through_graphql(gql, member):
    # when the member changes their email
    result = gql(
        CHANGE_EMAIL,
        {"password": PASSWORD, "email": "graph.me@example.com"},
        client=bearer_client(member),
    )

    # then it is saved at once, and the answer says no verification follows
    assert result == {
        "data": {
            "changeEmail": {
                "ok": True,
                "message": services.EMAIL_CHANGED_MESSAGE,
                "email": "graph.me@example.com",
                "verificationRequired": False,
            }
        }
    }
    assert User.objects.get(pk=member.pk).email == "graph.me@example.com"


def test_change_email_to_a_taken_address_names_email(gql, member):
    # given an account holding the address
    UserFactory(email="taken@example.com")

    # when the member asks for it
    result = gql(
        CHANGE_EMAIL,
        {"password": PASSWORD, "email": "Taken@example.com"},
        client=bearer_client(member),
    )

    # then it is refused on email, as REST does
    assert error_of(result) == {"code": "BAD_USER_INPUT", "field": "email"}
    assert User.objects.get(pk=member.pk).email == member.email


def test_delete_account_through_graphql(gql, member):
    # given a rated movie with another reviewer, a list entry and a token pair
    movie = MovieFactory()
    review_create(user=member, movie_id=movie.pk, rating=2)
    review_create(user=UserFactory(), movie_id=movie.pk, rating=5)
    lists_services.movie_list_add(user=member, movie_id=movie.pk, kind=MovieListEntry.Kind.FAVORITE)
    services.login_tokens(user=member)

    # when a wrong, then the right password is given
    client = bearer_client(member)
    wrong = gql(DELETE_ACCOUNT, {"password": "nope"}, client=client)
    right = gql(DELETE_ACCOUNT, {"password": PASSWORD}, client=client)

    # then only the right one deletes, and the rating is the remaining review's
    assert error_of(wrong) == {"code": "BAD_USER_INPUT", "field": "password"}
    assert right == {
        "data": {"deleteAccount": {"ok": True, "message": services.ACCOUNT_DELETED_MESSAGE}}
    }
    assert not User.objects.filter(pk=member.pk).exists()
    assert not OutstandingToken.objects.filter(user_id=member.pk).exists()
    movie.refresh_from_db()
    assert (movie.average_rating, movie.review_count) == (Decimal("5.00"), 1)


def test_me_export_equals_the_rest_export(gql, member):
    # given a member with a list entry and a review
    movie = MovieFactory()
    lists_services.movie_list_add(user=member, movie_id=movie.pk, kind=MovieListEntry.Kind.WATCHED)
    review_create(user=member, movie_id=movie.pk, rating=3, text="Fine.")
    client = bearer_client(member)

    # when the export is read through both doors
    graph = gql(EXPORT, client=client)["data"]["me"]["export"]
    rest = client.get("/api/users/me/export/").json()

    # then they are the same document (but for the moment of export)
    assert graph.pop("exported_at") and rest.pop("exported_at")
    assert graph == rest
    assert graph["lists"]["watched"][0]["movie"]["id"] == movie.pk
    assert graph["reviews"][0]["text"] == "Fine."
