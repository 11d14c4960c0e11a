"""OTP codes and sends: lifetime, tries, locks, send caps and no enumeration (SQLite and
PostgreSQL)."""

import hmac
import random
import re
from collections import Counter
from http import HTTPStatus

import pytest
from django.conf import settings
from django.db import connection

from conftest import error_json
from users import otp as otp_lib
from users import services, sms
from users.exceptions import TooManyAttempts
from users.models import OTPCode, OTPSendLog, PhoneAddressState, PhoneVerificationState, User
from users.tests.helpers import REGISTER_URL, RESEND_URL, VERIFY_URL, later, registration

pytestmark = pytest.mark.django_db
GENERIC = {"detail": "If this number can be registered, a code has been sent."}


def register(client, phone, **overrides):
    return client.post(REGISTER_URL, registration(phone, **overrides), format="json")


def verify(client, phone, code):
    return client.post(VERIFY_URL, {"phone_number": phone, "code": code}, format="json")


def test_code_quality_uses_secrets_and_is_uniform(monkeypatch):
    # given random.random sabotaged: the generator must not depend on it
    monkeypatch.setattr(random, "random", lambda: 0.0)
    monkeypatch.setattr(random, "randrange", lambda *a, **k: 0)

    # when 10,000 codes are generated
    codes = [otp_lib.generate_code() for _ in range(10_000)]

    # then every code is six digits, they vary, and the first digit is uniform
    assert all(re.fullmatch(r"\d{6}", code) for code in codes)
    assert len(set(codes)) > 9_900
    first = Counter(code[0] for code in codes)
    expected = len(codes) / 10
    chi2 = sum((first[str(d)] - expected) ** 2 / expected for d in range(10))
    # The codes are truly random, so any bound is crossed by chance now and then: at
    # p = 0.001 (27.88) that happened in CI (28.1). 60.66 is the critical value for 9
    # degrees of freedom at p = 1e-9: a fair generator fails it once in a billion runs,
    # while a skewed one (one digit twice as likely as the others: chi-square near 740) still fails.
    assert chi2 < 60.66


def test_generator_calls_secrets_randbelow(monkeypatch):
    # given secrets.randbelow observed
    calls = []
    monkeypatch.setattr(otp_lib.secrets, "randbelow", lambda n: calls.append(n) or 42)
    # when a code is generated
    code = otp_lib.generate_code()
    # then it comes from secrets.randbelow(10**6), zero-padded
    assert calls == [10**6]
    assert code == "000042"


def test_expired_code_is_rejected_and_ttl_is_capped(api_client, fixed_codes, new_phone):
    # given a registration whose code is 123456
    fixed_codes("123456")
    phone = new_phone()
    register(api_client, phone)

    # when the right code arrives one second after its lifetime
    with later(settings.OTP_TTL_SECONDS + 1):
        response = verify(api_client, phone, "123456")

    # then it is rejected and the account stays inactive
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["errors"] == [
        {"field": "code", "code": "invalid_code", "message": "The code is invalid or has expired."}
    ]
    assert User.objects.get(phone_number=phone).is_active is False
    assert settings.OTP_TTL_SECONDS <= 600


def test_code_just_inside_lifetime_is_accepted(api_client, fixed_codes, new_phone):
    # given a registration whose code is 123456
    fixed_codes("123456")
    phone = new_phone()
    register(api_client, phone)
    # when the right code arrives one second before expiry
    with later(settings.OTP_TTL_SECONDS - 1):
        response = verify(api_client, phone, "123456")
    # then it is accepted: the account is active and signed in
    assert response.status_code == HTTPStatus.OK
    assert set(response.json()) >= {"access", "refresh", "user"}
    assert User.objects.get(phone_number=phone).is_active


def test_second_use_of_a_code_is_rejected(api_client, fixed_codes, new_phone):
    # given a verified registration
    fixed_codes("123456")
    phone = new_phone()
    register(api_client, phone)
    assert verify(api_client, phone, "123456").status_code == HTTPStatus.OK

    # when the same code is submitted again
    response = verify(api_client, phone, "123456")

    # then it is rejected with the generic code error, and issues no tokens
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["errors"] == [
        {"field": "code", "code": "invalid_code", "message": "The code is invalid or has expired."}
    ]
    assert "access" not in response.json()


def test_wrong_codes_up_to_the_per_code_limit_burn_the_code(api_client, fixed_codes, new_phone):
    # given a registration with code 123456
    fixed_codes("123456", "654321")
    phone = new_phone()
    register(api_client, phone)

    # when five wrong codes are tried, then the right one
    wrong = [verify(api_client, phone, "000000").status_code for _ in range(5)]
    right = verify(api_client, phone, "123456")

    # then the right one is rejected too: the code is dead
    assert wrong == [HTTPStatus.BAD_REQUEST] * 5
    assert right.status_code == HTTPStatus.BAD_REQUEST
    assert OTPCode.objects.get(phone_number=phone).attempts == 6
    assert User.objects.get(phone_number=phone).is_active is False

    # and a new code (after the cooldown) works
    with later(61):
        assert api_client.post(RESEND_URL, {"phone_number": phone}).status_code == HTTPStatus.OK
        assert verify(api_client, phone, "654321").status_code == HTTPStatus.OK
    assert User.objects.get(phone_number=phone).is_active is True


def test_new_code_voids_the_old_one(api_client, fixed_codes, new_phone):
    # given a registration with code 111111 and a resend with code 222222
    fixed_codes("111111", "222222")
    phone = new_phone()
    register(api_client, phone)
    with later(61):
        api_client.post(RESEND_URL, {"phone_number": phone})
        # when the first code is used
        old = verify(api_client, phone, "111111")
    # then it no longer works
    assert old.status_code == HTTPStatus.BAD_REQUEST
    assert OTPCode.objects.filter(phone_number=phone, voided_at__isnull=False).count() == 1


def test_failures_survive_resends_and_lock_at_the_per_phone_limit(
    api_client, fixed_codes, new_phone
):
    # given a registration; every code sent is 123456, never guessed
    fixed_codes(*["123456"] * 10)
    phone = new_phone()
    register(api_client, phone)
    statuses = []

    # when the attacker loops {5 wrong codes, resend} four times
    for round_ in range(4):
        with later(61 * (round_ + 1) + 600 * round_):
            statuses += [verify(api_client, phone, "999999").status_code for _ in range(5)]
            api_client.post(RESEND_URL, {"phone_number": phone})

    # then after 20 failures the number is locked, with Retry-After, even for the right code
    state = PhoneVerificationState.objects.get(phone_number=phone)
    assert state.failure_count == 20
    assert statuses[:19] == [HTTPStatus.BAD_REQUEST] * 19
    assert statuses[19] == HTTPStatus.TOO_MANY_REQUESTS
    with later(61 * 5 + 600 * 4):
        locked = verify(api_client, phone, "123456")
        resend = api_client.post(RESEND_URL, {"phone_number": phone})
    assert locked.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert 0 < int(locked["Retry-After"]) <= settings.OTP_LOCK_SECONDS
    assert resend.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert User.objects.get(phone_number=phone).is_active is False
    assert settings.OTP_MAX_FAILURES <= 100


def test_lock_lifts_after_the_hour_and_success_resets(api_client, fixed_codes, new_phone):
    # given a number locked for this address after 20 failures
    fixed_codes("123456", "123456")
    phone = new_phone()
    register(api_client, phone)
    verify(api_client, phone, "000000")
    PhoneAddressState.objects.filter(phone_number=phone).update(failure_count=19)
    verify(api_client, phone, "000000")
    assert PhoneAddressState.objects.get(phone_number=phone).locked_until is not None

    # when the lock has passed and a fresh code is used
    with later(settings.OTP_LOCK_SECONDS + 1):
        assert api_client.post(RESEND_URL, {"phone_number": phone}).status_code == HTTPStatus.OK
        response = verify(api_client, phone, "123456")

    # then it works and the counters are back to zero
    assert response.status_code == HTTPStatus.OK
    state = PhoneVerificationState.objects.get(phone_number=phone)
    assert (state.failure_count, state.locked_until) == (0, None)
    assert not PhoneAddressState.objects.filter(phone_number=phone).exists()


def test_no_plaintext_code_at_rest_and_hash_is_keyed(api_client, sms_log, new_phone):
    # given a code sent by SMS
    phone = new_phone()
    register(api_client, phone)
    (code,) = sms_log(to=phone)

    # when every text column of the OTP table is scanned
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM users_otpcode")
        rows = cursor.fetchall()

    # then the code appears nowhere, and the hash is HMAC-SHA256 of code+phone+nonce
    assert rows
    assert not any(code in str(value) for row in rows for value in row)
    stored = OTPCode.objects.get(phone_number=phone)
    assert len(stored.code_hash) == 64
    assert stored.code_hash == otp_lib.hash_code(code=code, phone_number=phone, nonce=stored.nonce)
    assert stored.code_hash != otp_lib.hash_code(code=code, phone_number=phone, nonce="x" * 32)


def test_verification_uses_compare_digest(api_client, fixed_codes, new_phone, monkeypatch):
    # given compare_digest observed
    calls = []
    real = hmac.compare_digest
    monkeypatch.setattr(
        otp_lib.hmac, "compare_digest", lambda a, b: calls.append((a, b)) or real(a, b)
    )
    fixed_codes("123456")
    phone = new_phone()
    register(api_client, phone)
    # when a code is verified
    verify(api_client, phone, "123456")
    # then the comparison went through compare_digest
    assert len(calls) == 1


def test_code_of_one_registration_does_not_verify_another(api_client, fixed_codes, new_phone):
    # given two pending registrations A (code 111111) and B (code 222222)
    fixed_codes("111111", "222222")
    phone_a, phone_b = new_phone(), new_phone()
    register(api_client, phone_a, username="aaa")
    register(api_client, phone_b, username="bbb")

    # when A's code is submitted for B
    response = verify(api_client, phone_b, "111111")

    # then it is rejected and counted against B (not A)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert PhoneVerificationState.objects.get(phone_number=phone_b).failure_count == 1
    assert PhoneVerificationState.objects.get(phone_number=phone_a).failure_count == 0
    assert OTPCode.objects.get(phone_number=phone_b).attempts == 1
    assert not User.objects.filter(is_active=True, phone_number__in=[phone_a, phone_b]).exists()


def test_hash_binds_the_phone():
    # the same digits and nonce hash differently for two phones
    one = otp_lib.hash_code(code="123456", phone_number="+12025550001", nonce="n")
    two = otp_lib.hash_code(code="123456", phone_number="+12025550002", nonce="n")
    assert one != two


@pytest.fixture
def sent(monkeypatch):
    """Counts SMS actually handed to the backend."""
    messages = []
    monkeypatch.setattr(sms, "send_sms", lambda *, to, body: messages.append((to, body)))
    return messages


def test_a_send_past_the_per_number_burst_cap_is_refused(api_client, sent, new_phone):
    # given a registration (1 send) and resends up to the cap of ten minutes, each after
    # the cooldown
    cap = settings.OTP_SENDS_PER_PHONE_10_MIN
    phone = new_phone()
    register(api_client, phone)
    statuses = []
    for step in range(1, cap + 1):
        with later((settings.OTP_SEND_COOLDOWN_SECONDS + 1) * step):
            statuses.append(api_client.post(RESEND_URL, {"phone_number": phone}).status_code)

    # then the send past the cap is 429 and the provider saw only the cap
    assert statuses == [HTTPStatus.OK] * (cap - 1) + [HTTPStatus.TOO_MANY_REQUESTS]
    assert len(sent) == cap


def test_a_second_send_within_the_cooldown_sends_nothing(api_client, sent, new_phone):
    # given a registration just sent
    phone = new_phone()
    register(api_client, phone)
    # when a resend comes 30 s later
    with later(30):
        resend = api_client.post(RESEND_URL, {"phone_number": phone})
    # then it answers as a send would, but no SMS goes and no send is logged
    assert (resend.status_code, resend.json()) == (HTTPStatus.OK, GENERIC)
    assert len(sent) == 1
    assert OTPSendLog.objects.filter(phone_number=phone).count() == 1
    # and a second registration of the number in that minute is 429 with Retry-After
    with later(30):
        again = register(api_client, phone, username="again")
    assert again.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert 1 <= int(again["Retry-After"]) <= 30
    assert len(sent) == 1


def test_resend_right_after_a_registration_answers_like_an_unknown_number(
    api_client, sent, new_phone
):
    # given a registration a moment ago from this address, and a number nobody has
    registered, unknown = new_phone(), new_phone()
    register(api_client, registered)

    # when this address asks at once for a new code for each
    resend_registered = api_client.post(RESEND_URL, {"phone_number": registered})
    resend_unknown = api_client.post(RESEND_URL, {"phone_number": unknown})

    # then the answers are the same (no 429 for the registered number's cooldown)
    assert (resend_registered.status_code, resend_registered.json()) == (HTTPStatus.OK, GENERIC)
    assert (resend_unknown.status_code, resend_unknown.json()) == (HTTPStatus.OK, GENERIC)
    # and the registered number got no second SMS inside its cooldown
    assert [to for to, _ in sent] == [registered]


def test_the_daily_send_cap_per_number_holds(new_phone, sent):
    # given sends to one number spread over the day, one more than the daily cap
    cap = settings.OTP_SENDS_PER_PHONE_DAY
    phone = new_phone()
    services.user_register(
        username="u1",
        email="u1@example.com",
        password="Sturdy-pass-42",
        phone_number=phone,
        client_ip="10.0.0.1",
    )
    refused = []
    for step in range(1, cap + 1):
        with later(step * 11 * 60):
            try:
                services.otp_resend(phone_number=phone, client_ip=f"10.0.1.{step}")
            except TooManyAttempts:
                refused.append(step)
    # then the one past the cap is refused, and the provider saw only the cap
    assert refused == [cap]
    assert len(sent) == cap


def test_a_send_past_the_hourly_cap_per_address_is_refused(api_client, sent, new_phone):
    # given one address registering one more number than its hourly cap
    cap = settings.OTP_SENDS_PER_ADDRESS_HOUR
    statuses = [
        register(api_client, new_phone(), username=f"pump{i}").status_code for i in range(cap + 1)
    ]
    # then the one past the cap is 429 and only the cap's SMS left
    assert statuses == [HTTPStatus.CREATED] * cap + [HTTPStatus.TOO_MANY_REQUESTS]
    assert len(sent) == cap
    assert User.objects.filter(username__startswith="pump").count() == cap


@pytest.mark.parametrize(
    "number", ["+19005551234", "+449000000000", "+1 12345", "12345", "+4400000", "not a phone"]
)
def test_premium_short_and_invalid_numbers_get_400_without_sms(api_client, sent, number):
    # when a premium-rate, short or malformed number is registered
    response = register(api_client, number)
    # then it is 400 on phone_number and nothing is sent or saved
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert [e["field"] for e in response.json()["errors"]] == ["phone_number"]
    assert sent == []
    assert not User.objects.exists()


def test_countries_outside_the_allowed_list_get_400(api_client, sent, settings):
    # given only the US allowed
    settings.OTP_ALLOWED_COUNTRIES = ["US"]
    # when a French mobile registers, then a US one
    french = register(api_client, "+33612345678", username="fr")
    us = register(api_client, "+14155552671", username="us")
    # then only the US number gets an SMS
    assert french.status_code == HTTPStatus.BAD_REQUEST
    assert french.json()["errors"][0]["code"] == "country_not_allowed"
    assert us.status_code == HTTPStatus.CREATED
    assert [to for to, _ in sent] == ["+14155552671"]


def test_phone_numbers_are_normalised_to_e164(api_client, sent):
    # when a number is written with spaces and dashes
    response = register(api_client, "+1 (415) 555-2671")
    # then it is stored and texted in E.164
    assert response.status_code == HTTPStatus.CREATED
    assert User.objects.get().phone_number == "+14155552671"
    assert sent[0][0] == "+14155552671"


def test_register_with_taken_and_new_phone_answers_the_same(api_client, user, sent, new_phone):
    # given a verified user's phone and a brand-new phone
    taken = register(api_client, user.phone_number, username="copycat")
    fresh = register(api_client, new_phone(), username="newbie")

    # then both answers are identical; no account and no code for the taken number,
    # whose holder gets a notice instead (one SMS on each path)
    assert (taken.status_code, taken.json()) == (fresh.status_code, fresh.json())
    assert taken.json() == GENERIC
    assert not User.objects.filter(username="copycat").exists()
    assert [to for to, _ in sent] == [user.phone_number, sent[1][0]]
    assert sent[0][1] == services.registration.PHONE_TAKEN_NOTICE
    assert OTPSendLog.objects.filter(phone_number=user.phone_number).count() == 1


def test_resend_and_verify_for_unknown_and_known_phone_answer_the_same(api_client, sent, new_phone):
    # given a pending registration and a number nobody has
    known, unknown = new_phone(), new_phone()
    register(api_client, known)

    with later(61):
        # when a resend and a wrong verify are made for each
        resend_known = api_client.post(RESEND_URL, {"phone_number": known})
        resend_unknown = api_client.post(RESEND_URL, {"phone_number": unknown})
        verify_known = verify(api_client, known, "000000")
        verify_unknown = verify(api_client, unknown, "000000")

    # then the answers cannot be told apart
    assert (resend_known.status_code, resend_known.json()) == (
        resend_unknown.status_code,
        resend_unknown.json(),
    )
    assert resend_known.json() == GENERIC
    assert (verify_known.status_code, error_json(verify_known)) == (
        verify_unknown.status_code,
        error_json(verify_unknown),
    )


def test_inactive_users_access_token_is_refused(user):
    # given a signed-in user whose account is then deactivated
    from conftest import bearer_client

    client = bearer_client(user)
    User.objects.filter(pk=user.pk).update(is_active=False)
    # when the old access token is used
    response = client.get("/api/users/me/")
    # then it is 401 and nothing of the profile is shown
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json()["code"] == "user_inactive"
    assert user.username not in response.content.decode()


def test_verify_rejects_malformed_codes_without_counting(api_client, new_phone):
    # when a code that is not six digits is sent
    phone = new_phone()
    response = verify(api_client, phone, "12ab")
    # then it is a 400 on `code` and no failure is recorded
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["errors"][0]["field"] == "code"
    assert not PhoneVerificationState.objects.filter(phone_number=phone).exists()


def test_prune_keeps_what_the_limits_still_need(new_phone):
    # given a send from two days ago, and a fresh send to a number that is locked
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    old_phone, live_phone = new_phone(), new_phone()
    with later(-2 * 86400):
        services.otp_resend(phone_number=old_phone, client_ip="10.0.0.1")
    services.otp_resend(phone_number=live_phone, client_ip="10.0.0.1")
    PhoneVerificationState.objects.filter(phone_number=live_phone).update(
        failure_count=20, locked_until=timezone.now() + timedelta(hours=1)
    )

    # when the records are pruned
    call_command("prune_account_records")

    # then only the old send and the idle counter are gone
    assert list(OTPSendLog.objects.values_list("phone_number", flat=True)) == [live_phone]
    assert list(PhoneVerificationState.objects.values_list("phone_number", flat=True)) == [
        live_phone
    ]
