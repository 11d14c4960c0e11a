"""An account's lifetime over REST: password reset by SMS, new phone, new email, deletion, export.

The GraphQL twins of these tests are in users/tests/graphql/test_lifecycle.py.
"""

from decimal import Decimal
from http import HTTPStatus

import pytest
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from conftest import bearer_client, error_json
from core.security.ratelimit import configured_rates
from lists import services as lists_services
from lists.models import MovieListEntry
from movies.models import Movie
from movies.services import review_create
from movies.tests.factories import MovieFactory
from users import services, sms
from users.models import OTPCode, OTPSendLog, User
from users.tests.factories import UserFactory
from users.tests.helpers import (
    LOGIN_URL,
    REFRESH_URL,
    REGISTER_URL,
    VERIFY_URL,
    later,
    registration,
)

pytestmark = pytest.mark.django_db

RESET_URL = "/api/users/password/reset/"
RESET_CONFIRM_URL = "/api/users/password/reset/confirm/"
PHONE_URL = "/api/users/me/phone/"
PHONE_CONFIRM_URL = "/api/users/me/phone/confirm/"
EMAIL_URL = "/api/users/me/email/"
DELETE_URL = "/api/users/me/delete/"
ME_URL = "/api/users/me/"
PASSWORD = "pass-Word-123"
NEW_PASSWORD = "Fresh-Start-2026"
RESET_ANSWER = {"detail": services.RESET_REQUESTED_MESSAGE}


@pytest.fixture
def member(new_phone):
    """An active account with a verified phone (password PASSWORD)."""
    return UserFactory(phone_number=new_phone(), phone_verified_at=timezone.now())


def post(path, body, client=None):
    return (client or APIClient()).post(path, body, format="json")


def error_fields(response) -> dict:
    return {e["field"]: e["code"] for e in response.json().get("errors", [])}


# ------------------------------------------------------------------ password reset


def test_reset_by_phone_sets_the_new_password_and_revokes_every_earlier_token(member, sms_log):
    # given a signed-in member with a token pair
    tokens = services.login_tokens(user=member)

    # when they ask for a reset by phone and confirm the texted code
    asked = post(RESET_URL, {"phone_number": member.phone_number})
    (code,) = sms_log(to=member.phone_number)
    confirmed = post(
        RESET_CONFIRM_URL,
        {"phone_number": member.phone_number, "code": code, "new_password": NEW_PASSWORD},
    )

    # then the new password signs in and the old one does not
    assert asked.status_code == HTTPStatus.OK and asked.json() == RESET_ANSWER
    assert confirmed.status_code == HTTPStatus.OK
    assert confirmed.json() == {"detail": services.PASSWORD_RESET_MESSAGE}
    signed_in = post(LOGIN_URL, {"username": member.username, "password": NEW_PASSWORD})
    assert signed_in.status_code == HTTPStatus.OK
    assert signed_in.json()["user"]["id"] == member.pk
    old = post(LOGIN_URL, {"username": member.username, "password": PASSWORD})
    assert old.status_code == HTTPStatus.UNAUTHORIZED
    # and the old refresh and access tokens are dead
    refreshed = post(REFRESH_URL, {"refresh": tokens["refresh"]})
    assert refreshed.status_code == HTTPStatus.UNAUTHORIZED
    assert refreshed.json()["code"] == "token_not_valid"
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert client.get(ME_URL).status_code == HTTPStatus.UNAUTHORIZED
    # and the code was a single-use password reset code
    assert OTPCode.objects.get(user=member).purpose == OTPCode.Purpose.PASSWORD_RESET
    again = post(
        RESET_CONFIRM_URL,
        {"phone_number": member.phone_number, "code": code, "new_password": "Another-pass-77"},
    )
    assert again.status_code == HTTPStatus.BAD_REQUEST
    assert error_fields(again) == {"code": "invalid_code"}


def test_reset_by_username_texts_the_accounts_verified_phone(member, sms_log):
    # when the member asks by username, in another case
    response = post(RESET_URL, {"username": member.username.upper()})

    # then the same answer, and the code went to the account's phone
    assert response.status_code == HTTPStatus.OK and response.json() == RESET_ANSWER
    assert len(sms_log(to=member.phone_number)) == 1


@pytest.mark.parametrize("field", ["phone_number", "username"])
def test_reset_answers_a_known_and_an_unknown_account_the_same(member, new_phone, field, sms_log):
    # given a known and an unknown account, named the same way
    known = {"phone_number": member.phone_number, "username": member.username}[field]
    unknown = {"phone_number": new_phone(), "username": "nobody-here"}[field]

    # when each is asked for twice in a row (the second inside the 60 s cooldown)
    known_answers = [post(RESET_URL, {field: known}) for _ in range(2)]
    unknown_answers = [post(RESET_URL, {field: unknown}) for _ in range(2)]

    # then status and body are the same, request by request (each has its own request id)
    def answer(response):
        body = error_json(response) if response.status_code >= 400 else response.json()
        return response.status_code, body

    assert [answer(r) for r in known_answers] == [answer(r) for r in unknown_answers]
    # and the same work is recorded for both: by number the second request is inside the
    # cooldown and logs nothing; by name every request logs a send (a pretend one when
    # nothing goes out), which counts toward the per-address cap
    assert OTPSendLog.objects.count() == {"phone_number": 2, "username": 4}[field]
    # while only the real account got an SMS
    assert len(sms_log(to=member.phone_number)) == 1
    assert sms_log() == sms_log(to=member.phone_number)


def test_reset_asked_again_within_the_cooldown_answers_the_same_and_sends_nothing(
    member, new_phone, sms_log, settings
):
    # given one request for each number (a known and an unknown one)
    unknown = new_phone()
    for phone in (member.phone_number, unknown):
        assert post(RESET_URL, {"phone_number": phone}).status_code == HTTPStatus.OK
    sends = OTPSendLog.objects.count()

    # when each is asked for again inside the send cooldown
    answers = [post(RESET_URL, {"phone_number": p}) for p in (member.phone_number, unknown)]

    # then both get the same generic answer, which says how often codes go out
    assert [r.status_code for r in answers] == [HTTPStatus.OK] * 2
    assert [r.json() for r in answers] == [RESET_ANSWER] * 2
    assert settings.OTP_SEND_COOLDOWN_SECONDS == 60
    assert RESET_ANSWER["detail"].endswith("Codes go out at most once a minute.")
    # and nothing more was sent or logged
    assert OTPSendLog.objects.count() == sends
    assert len(sms_log(to=member.phone_number)) == 1


def test_reset_by_phone_keeps_the_per_number_caps(member, settings):
    # given a number allowed one send per ten minutes, asked for once
    settings.OTP_SENDS_PER_PHONE_10_MIN = 1
    assert post(RESET_URL, {"phone_number": member.phone_number}).status_code == HTTPStatus.OK

    # when another address asks for it (its own cooldown is free)
    other = APIClient(REMOTE_ADDR="10.1.2.3")
    again = post(RESET_URL, {"phone_number": member.phone_number}, client=other)

    # then the per-number cap refuses it, with Retry-After
    assert again.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert int(again["Retry-After"]) > 0


def test_reset_by_username_is_refused_only_by_the_per_address_cap(member, settings):
    # given an address allowed two sends an hour
    settings.OTP_SENDS_PER_ADDRESS_HOUR = 2

    # when three resets are asked by username (a known and unknown mix)
    answers = [post(RESET_URL, {"username": n}) for n in (member.username, "ghost", "ghost2")]

    # then the third is the per-address refusal, whoever it names
    assert [r.status_code for r in answers] == [
        HTTPStatus.OK,
        HTTPStatus.OK,
        HTTPStatus.TOO_MANY_REQUESTS,
    ]
    assert answers[2].json()["detail"].startswith("Too many codes requested.")


def test_reset_request_needs_exactly_one_identifier(member):
    # when neither, then both are given
    neither = post(RESET_URL, {})
    both = post(RESET_URL, {"phone_number": member.phone_number, "username": member.username})

    # then each is a 400 naming phone_number
    for response in (neither, both):
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert error_fields(response) == {"phone_number": "required"}


@pytest.mark.parametrize(
    ("url", "body"),
    [
        (RESET_URL, {"username": 0}),
        (RESET_URL, {"phone_number": 14155550123}),
        (RESET_CONFIRM_URL, {"phone_number": "+14155550123", "code": 123456, "new_password": "x"}),
    ],
)
def test_reset_identifiers_and_codes_must_be_strings(member, sms_log, url, body):
    # when a field the document types as a string is sent as a number
    response = post(url, body)

    # then it is refused on that field, nothing is sent or recorded, the password stays
    field = next(name for name, value in body.items() if not isinstance(value, str))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["errors"] == [
        {"field": field, "code": "invalid", "message": "Must be a string."}
    ]
    assert not OTPSendLog.objects.exists() and sms_log() == []
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_reset_answers_the_same_when_the_sms_provider_is_down(member, monkeypatch):
    # given an SMS provider that fails
    def down(**kwargs):
        raise sms.SMSUnavailable("down")

    monkeypatch.setattr(sms, "send_sms", down)

    # when a known account asks for a reset
    response = post(RESET_URL, {"phone_number": member.phone_number})

    # then the answer is the usual one (a 503 would reveal the account), and no code is live
    assert response.status_code == HTTPStatus.OK and response.json() == RESET_ANSWER
    assert not OTPCode.objects.filter(user=member).exists()
    assert OTPSendLog.objects.filter(phone_number=member.phone_number).count() == 1


def test_a_registration_code_cannot_reset_a_password(new_phone, sms_log):
    # given a pending registration and its code
    phone = new_phone()
    assert post(REGISTER_URL, registration(phone)).status_code == HTTPStatus.CREATED
    (code,) = sms_log(to=phone)

    # when the registration code is used to reset the password
    response = post(
        RESET_CONFIRM_URL, {"phone_number": phone, "code": code, "new_password": NEW_PASSWORD}
    )

    # then it is refused, and the code still verifies the registration
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert error_fields(response) == {"code": "invalid_code"}
    assert post(VERIFY_URL, {"phone_number": phone, "code": code}).status_code == HTTPStatus.OK


def test_a_reset_code_cannot_verify_a_registration(new_phone, fixed_codes):
    # given a pending account that was sent a password reset code (never possible through
    # the API, which only resets verified accounts: this checks the purpose binding itself)
    phone = new_phone()
    pending = UserFactory(phone_number=phone, is_active=False)
    fixed_codes("424242")
    services.codes.code_issue_and_send(
        user=pending,
        phone_number=phone,
        client_ip="127.0.0.1",
        now=timezone.now(),
        purpose=OTPCode.Purpose.PASSWORD_RESET,
    )

    # when that code is used to verify the registration
    response = post(VERIFY_URL, {"phone_number": phone, "code": "424242"})

    # then it is refused and the account stays pending
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert error_fields(response) == {"code": "invalid_code"}
    pending.refresh_from_db()
    assert pending.is_active is False


def test_reset_code_dies_after_the_allowed_wrong_tries(member, fixed_codes):
    # given a reset code 111111
    fixed_codes("111111")
    post(RESET_URL, {"phone_number": member.phone_number})
    body = {"phone_number": member.phone_number, "new_password": NEW_PASSWORD}

    # when five wrong codes are tried, then the right one
    wrong = [post(RESET_CONFIRM_URL, {**body, "code": "000000"}) for _ in range(5)]
    right = post(RESET_CONFIRM_URL, {**body, "code": "111111"})

    # then every try is refused and the password is unchanged
    assert {r.status_code for r in [*wrong, right]} == {HTTPStatus.BAD_REQUEST}
    assert error_fields(right) == {"code": "invalid_code"}
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_reset_code_expires(member, fixed_codes):
    # given a reset code
    fixed_codes("222222")
    post(RESET_URL, {"phone_number": member.phone_number})

    # when it is used after its lifetime
    with later(301):
        response = post(
            RESET_CONFIRM_URL,
            {"phone_number": member.phone_number, "code": "222222", "new_password": NEW_PASSWORD},
        )

    # then it is refused
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert error_fields(response) == {"code": "invalid_code"}


def test_reset_failures_lock_the_number(member, settings):
    # given a number locked after three failures
    settings.OTP_MAX_FAILURES = 3
    body = {"phone_number": member.phone_number, "code": "000000", "new_password": NEW_PASSWORD}

    # when four wrong codes are tried
    answers = [post(RESET_CONFIRM_URL, body) for _ in range(4)]

    # then the third and later answers are the lock, with Retry-After
    assert [r.status_code for r in answers] == [HTTPStatus.BAD_REQUEST] * 2 + [
        HTTPStatus.TOO_MANY_REQUESTS
    ] * 2
    assert answers[3].json()["detail"].startswith(services.LOCKED_MESSAGE)
    assert int(answers[3]["Retry-After"]) > 0


def test_a_weak_new_password_is_refused_and_the_code_stays_usable(member, fixed_codes):
    # given a reset code
    fixed_codes("333333")
    post(RESET_URL, {"phone_number": member.phone_number})
    body = {"phone_number": member.phone_number, "code": "333333"}

    # when a weak password, then one like the username, then a good one is sent
    weak = post(RESET_CONFIRM_URL, {**body, "new_password": "123"})
    like_name = post(RESET_CONFIRM_URL, {**body, "new_password": member.email})
    good = post(RESET_CONFIRM_URL, {**body, "new_password": NEW_PASSWORD})

    # then the first two name new_password and the code still works for the third
    assert weak.status_code == HTTPStatus.BAD_REQUEST
    assert "new_password" in error_fields(weak)
    assert like_name.status_code == HTTPStatus.BAD_REQUEST
    assert error_fields(like_name) == {"new_password": "password_too_similar"}
    assert good.status_code == HTTPStatus.OK


# -------------------------------------------------------------------- phone change


def test_phone_changes_only_once_the_new_number_is_verified(member, new_phone, sms_log):
    # given a member and a new number
    client = bearer_client(member)
    old, new = member.phone_number, new_phone()

    # when they ask for the change
    asked = client.post(PHONE_URL, {"password": PASSWORD, "phone_number": new}, format="json")

    # then a code went to the new number and the account still has the old one
    assert asked.status_code == HTTPStatus.OK
    assert asked.json() == {"detail": services.PHONE_CODE_SENT_MESSAGE}
    (code,) = sms_log(to=new)
    assert client.get(ME_URL).json()["phone_number"] == old

    # when a wrong code, then the right one is confirmed
    wrong = client.post(PHONE_CONFIRM_URL, {"phone_number": new, "code": "000000"}, format="json")
    right = client.post(PHONE_CONFIRM_URL, {"phone_number": new, "code": code}, format="json")

    # then only the right one changes the number, and the old number is told
    assert wrong.status_code == HTTPStatus.BAD_REQUEST
    assert error_fields(wrong) == {"code": "invalid_code"}
    assert right.status_code == HTTPStatus.OK
    assert right.json() == {"detail": services.PHONE_CHANGED_MESSAGE, "phone_number": new}
    member.refresh_from_db()
    assert member.phone_number == new and member.phone_verified_at is not None


def test_the_old_number_gets_a_notice(member, new_phone, fixed_codes, caplog):
    # given a change to a new number, asked and confirmed
    client = bearer_client(member)
    old, new = member.phone_number, new_phone()
    fixed_codes("454545")
    client.post(PHONE_URL, {"password": PASSWORD, "phone_number": new}, format="json")
    caplog.clear()

    # when it is confirmed
    client.post(PHONE_CONFIRM_URL, {"phone_number": new, "code": "454545"}, format="json")

    # then exactly one SMS went to the old number, naming only the new number's last digits
    sent = [r.getMessage() for r in caplog.records if r.name == "users.sms"]
    assert sent == [
        f"SMS to {old}: Your Movie API account's phone number was changed to a number "
        f"ending in {new[-2:]}. If this was not you, reset your password and contact support."
    ]


def test_phone_change_needs_the_current_password(member, new_phone, sms_log):
    # when the wrong password is given
    response = bearer_client(member).post(
        PHONE_URL, {"password": "wrong-Pass-1", "phone_number": new_phone()}, format="json"
    )

    # then it is a 400 on password and nothing is sent
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["errors"] == [
        {"field": "password", "code": "invalid", "message": services.WRONG_PASSWORD_MESSAGE}
    ]
    assert sms_log() == [] and not OTPCode.objects.exists()


@pytest.mark.parametrize("verified", [True, False], ids=["verified", "active-unverified"])
def test_phone_change_to_a_taken_number_answers_the_same_and_sends_nothing(
    member, new_phone, sms_log, verified
):
    # given another account's number (verified, or active without a verification) and
    # a free number
    other = UserFactory(
        phone_number=new_phone(), phone_verified_at=timezone.now() if verified else None
    )
    client = bearer_client(member)

    # when the member asks for each
    taken = client.post(
        PHONE_URL, {"password": PASSWORD, "phone_number": other.phone_number}, format="json"
    )
    free = client.post(
        PHONE_URL, {"password": PASSWORD, "phone_number": new_phone()}, format="json"
    )

    # then the answers are the same, but only the free number got a code
    assert (taken.status_code, taken.json()) == (free.status_code, free.json())
    assert sms_log(to=other.phone_number) == []
    assert not OTPCode.objects.filter(phone_number=other.phone_number).exists()
    assert OTPSendLog.objects.filter(phone_number=other.phone_number).count() == 1


def test_a_pending_registration_of_the_new_number_gives_way(member, new_phone, sms_log):
    # given a pending, never verified registration holding a number
    phone = new_phone()
    assert post(REGISTER_URL, registration(phone)).status_code == HTTPStatus.CREATED
    pending = User.objects.get(phone_number=phone)
    client = bearer_client(member)

    # when the member moves to that number (past its send cooldown) and confirms the code
    with later(61):
        asked = client.post(PHONE_URL, {"password": PASSWORD, "phone_number": phone}, format="json")
        code = sms_log(to=phone)[-1]
        response = client.post(
            PHONE_CONFIRM_URL, {"phone_number": phone, "code": code}, format="json"
        )

    # then the member holds the number and the pending registration is gone
    assert asked.status_code == HTTPStatus.OK
    assert response.status_code == HTTPStatus.OK
    assert User.objects.get(phone_number=phone).pk == member.pk
    assert not User.objects.filter(pk=pending.pk).exists()


def test_a_phone_change_code_cannot_reset_the_password(member, new_phone, fixed_codes):
    # given a phone change code sent to a new number
    new = new_phone()
    fixed_codes("565656")
    bearer_client(member).post(
        PHONE_URL, {"password": PASSWORD, "phone_number": new}, format="json"
    )

    # when it is used as a reset code for that number
    response = post(
        RESET_CONFIRM_URL, {"phone_number": new, "code": "565656", "new_password": NEW_PASSWORD}
    )

    # then it is refused
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert error_fields(response) == {"code": "invalid_code"}


def test_phone_change_keeps_the_new_numbers_send_caps(member, new_phone, sms_log):
    # given a change asked for a moment ago
    client = bearer_client(member)
    new = new_phone()
    body = {"password": PASSWORD, "phone_number": new}
    assert client.post(PHONE_URL, body, format="json").status_code == HTTPStatus.OK

    # when it is asked again inside the 60 s cooldown
    again = client.post(PHONE_URL, body, format="json")

    # then it is refused with Retry-After, and one code went out
    assert again.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert again.json()["detail"].startswith("Too many codes requested.")
    assert int(again["Retry-After"]) > 0
    assert len(sms_log(to=new)) == 1


def test_phone_change_code_dies_after_the_allowed_wrong_tries(member, new_phone, fixed_codes):
    # given a phone change code 676767
    client = bearer_client(member)
    new = new_phone()
    fixed_codes("676767")
    client.post(PHONE_URL, {"password": PASSWORD, "phone_number": new}, format="json")

    # when five wrong codes are tried, then the right one
    answers = [
        client.post(PHONE_CONFIRM_URL, {"phone_number": new, "code": code}, format="json")
        for code in ["000000"] * 5 + ["676767"]
    ]

    # then all are refused and the number is unchanged
    assert {r.status_code for r in answers} == {HTTPStatus.BAD_REQUEST}
    assert error_fields(answers[-1]) == {"code": "invalid_code"}
    assert User.objects.get(pk=member.pk).phone_number == member.phone_number


@pytest.mark.parametrize(
    ("url", "body"),
    [
        (EMAIL_URL, {"password": "wrong-Pass-1", "email": "x@example.com"}),
        (DELETE_URL, {"password": "wrong-Pass-1"}),
        (PHONE_URL, {"password": "wrong-Pass-1", "phone_number": "+12025550177"}),
    ],
)
def test_password_guesses_are_throttled_per_address(member, monkeypatch, url, body):
    # given the sign-in throttle at two a minute (the email and delete endpoints share it;
    # the phone change shares the code-sending one)
    for scope in ("login", "otp_resend"):
        monkeypatch.setitem(configured_rates(), scope, "2/min")
    client = bearer_client(member)

    # when three wrong passwords are sent
    answers = [client.post(url, body, format="json") for _ in range(3)]

    # then the third is throttled and the account is untouched
    assert [r.status_code for r in answers] == [HTTPStatus.BAD_REQUEST] * 2 + [
        HTTPStatus.TOO_MANY_REQUESTS
    ]
    assert answers[2].json()["code"] == "throttled"
    assert User.objects.get(pk=member.pk).email == member.email


def test_phone_change_needs_a_signed_in_caller(new_phone):
    # when an anonymous caller asks
    response = post(PHONE_URL, {"password": PASSWORD, "phone_number": new_phone()})

    # then it is a 401
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json()["code"] == "not_authenticated"


# -------------------------------------------------------------------- email change


def test_email_changes_at_once_with_the_current_password(member):
    # when the member changes their email
    response = bearer_client(member).post(
        EMAIL_URL, {"password": PASSWORD, "email": "new.me@example.com"}, format="json"
    )

    # then it is saved and the answer says no verification step follows
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {
        "detail": services.EMAIL_CHANGED_MESSAGE,
        "email": "new.me@example.com",
        "verification_required": False,
    }
    member.refresh_from_db()
    assert member.email == "new.me@example.com"


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"password": "wrong-Pass-1", "email": "x@example.com"}, "password", "invalid"),
        ({"password": PASSWORD, "email": "not-an-email"}, "email", "invalid"),
        ({"password": PASSWORD, "email": "TAKEN@example.com"}, "email", "unique"),
    ],
)
def test_email_change_refusals_name_the_field(member, body, field, code):
    # given an account holding taken@example.com
    UserFactory(email="taken@example.com")

    # when the change is refused
    response = bearer_client(member).post(EMAIL_URL, body, format="json")

    # then the field is named and nothing changed
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert error_fields(response) == {field: code}
    assert User.objects.get(pk=member.pk).email == member.email


# -------------------------------------------------------------------------- delete


def test_delete_account_recomputes_the_ratings_and_frees_the_username(member, new_phone):
    # given two movies the member and another reviewer rated, lists and tokens
    other = UserFactory()
    first, second = MovieFactory(), MovieFactory()
    review_create(user=member, movie_id=first.pk, rating=1)
    review_create(user=member, movie_id=second.pk, rating=5)
    review_create(user=other, movie_id=first.pk, rating=4)
    lists_services.movie_list_add(
        user=member, movie_id=second.pk, kind=MovieListEntry.Kind.WATCHLIST
    )
    tokens = services.login_tokens(user=member)
    post(RESET_URL, {"phone_number": member.phone_number})

    # when the member deletes the account
    response = bearer_client(member).post(DELETE_URL, {"password": PASSWORD}, format="json")

    # then it is gone with its reviews, lists, codes and tokens
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"detail": services.ACCOUNT_DELETED_MESSAGE}
    assert not User.objects.filter(pk=member.pk).exists()
    assert not MovieListEntry.objects.filter(user_id=member.pk).exists()
    assert not OTPCode.objects.filter(user_id=member.pk).exists()
    assert not OutstandingToken.objects.filter(user_id=member.pk).exists()
    assert post(REFRESH_URL, {"refresh": tokens["refresh"]}).status_code == (
        HTTPStatus.UNAUTHORIZED
    )
    # and the ratings are those of the remaining reviews
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.average_rating, first.review_count) == (Decimal("4.00"), 1)
    assert (second.average_rating, second.review_count) == (None, 0)  # unrated again
    # and the username, email and number can be registered again (after the number's
    # 60 s send cooldown, which outlives the account)
    with later(61):
        again = post(
            REGISTER_URL,
            registration(member.phone_number, username=member.username, email=member.email),
        )
    assert again.status_code == HTTPStatus.CREATED
    assert User.objects.get(username=member.username).is_active is False


def test_delete_account_needs_the_current_password(member):
    # given a review
    movie = MovieFactory()
    review_create(user=member, movie_id=movie.pk, rating=3)

    # when the wrong password is given
    response = bearer_client(member).post(DELETE_URL, {"password": "wrong"}, format="json")

    # then nothing is deleted
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert error_fields(response) == {"password": "invalid"}
    assert User.objects.filter(pk=member.pk).exists()
    assert Movie.objects.get(pk=movie.pk).review_count == 1


def test_every_reset_answer_takes_the_same_floor_known_or_unknown(member, settings, monkeypatch):
    # given a 2 s floor and a clock that only moves when the service sleeps, so the
    # work itself takes no time and each answer's duration is what the padding adds
    settings.PASSWORD_RESET_MIN_SECONDS = 2.0
    settings.OTP_SENDS_PER_ADDRESS_HOUR = 3
    clock = [1000.0]
    monkeypatch.setattr(services.passwords.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(
        services.passwords.time, "sleep", lambda s: clock.__setitem__(0, clock[0] + s)
    )

    def timed(body):
        before = clock[0]
        response = post(RESET_URL, body)
        return response.status_code, clock[0] - before

    # when a known and an unknown account are asked for by name, then by number (the
    # member's number is inside its cooldown: answered, nothing sent), then past the
    # per-address cap
    answers = [
        timed({"username": member.username}),
        timed({"username": "nobody-here"}),
        timed({"phone_number": member.phone_number}),
        timed({"phone_number": "+12025550199"}),
        timed({"phone_number": "+12025550198"}),
    ]

    # then every answer, refusals included, took exactly the floor
    assert answers == [
        (HTTPStatus.OK, 2.0),
        (HTTPStatus.OK, 2.0),
        (HTTPStatus.OK, 2.0),
        (HTTPStatus.OK, 2.0),
        (HTTPStatus.TOO_MANY_REQUESTS, 2.0),
    ]
