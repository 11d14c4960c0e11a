"""Pending registrations expire (users/services/pending.py).

Before: an unverified registration held its username and email forever, so anyone
could squat an address; its owner, registering later, got a 201 and an SMS saying the
address cannot be used, and `prune_account_records` never removed the squat. Now the
claim lasts PENDING_ACCOUNT_TTL_SECONDS: after that registration treats the names as
free at once, and the prune deletes the account.
"""

import io
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from conftest import bearer_client
from users import sms
from users.models import User
from users.services.registration import EMAIL_TAKEN_NOTICE
from users.tests.factories import UserFactory
from users.tests.helpers import REGISTER_URL, RESEND_URL, VERIFY_URL, later, registration

pytestmark = pytest.mark.django_db

TTL = settings.PENDING_ACCOUNT_TTL_SECONDS
SQUATTER_PHONE = "+14155550101"
ERIN_PHONE = "+14155550102"
ERIN = {"username": "erin", "email": "erin@example.org"}


@pytest.fixture
def sent(monkeypatch):
    """(to, body) of every SMS handed to the backend."""
    messages = []
    monkeypatch.setattr(sms, "send_sms", lambda *, to, body: messages.append((to, body)))
    return messages


def register(api_client, phone, **fields):
    return api_client.post(REGISTER_URL, registration(phone, **fields), format="json")


def code_in(body: str) -> str:
    return body.split(" is ")[1][:6]


def test_a_squatted_email_and_username_are_free_once_the_registration_expires(api_client, sent):
    # given someone registered Erin's email and name with a number they never verify
    assert register(api_client, SQUATTER_PHONE, **ERIN).status_code == HTTPStatus.CREATED

    # when Erin registers her address within the registration's time
    with later(TTL - 60):
        early = register(api_client, ERIN_PHONE, username="erin.b", email=ERIN["email"])
    # then she is told by SMS that the address cannot be used yet, and no account is made
    assert early.status_code == HTTPStatus.CREATED
    assert sent[-1] == (ERIN_PHONE, EMAIL_TAKEN_NOTICE)
    assert not User.objects.filter(username="erin.b").exists()

    # when she registers again once it has expired (no prune has run)
    with later(TTL + 1):
        late = register(api_client, ERIN_PHONE, **ERIN)
        to, body = sent[-1]
        verified = api_client.post(
            VERIFY_URL, {"phone_number": ERIN_PHONE, "code": code_in(body)}, format="json"
        )

    # then her name and address are hers: a code came, and it verifies her account
    assert late.status_code == HTTPStatus.CREATED
    assert to == ERIN_PHONE
    assert verified.status_code == HTTPStatus.OK
    erin = User.objects.get(username="erin")
    assert (erin.email, erin.phone_number, erin.is_active) == (ERIN["email"], ERIN_PHONE, True)
    assert not User.objects.filter(phone_number=SQUATTER_PHONE).exists()


def test_an_expired_registration_is_no_longer_resent_or_verified(api_client, sent):
    # given a registration that asked for a fresh code just before its time ran out
    register(api_client, SQUATTER_PHONE, **ERIN)
    with later(TTL - 30):
        api_client.post(RESEND_URL, {"phone_number": SQUATTER_PHONE}, REMOTE_ADDR="10.0.0.9")
    (_, body) = sent[-1]

    # when, after the time, that (still live) code is sent, and a resend is asked for
    with later(TTL + 30):
        verify = api_client.post(
            VERIFY_URL, {"phone_number": SQUATTER_PHONE, "code": code_in(body)}, format="json"
        )
        resend = api_client.post(
            RESEND_URL, {"phone_number": SQUATTER_PHONE}, REMOTE_ADDR="10.0.0.10"
        )

    # then the code does not verify, and the resend answers as for an unknown number
    # without texting anyone
    assert verify.status_code == HTTPStatus.BAD_REQUEST
    assert verify.json()["errors"][0]["field"] == "code"
    assert resend.status_code == HTTPStatus.OK
    assert len(sent) == 2
    assert not User.objects.get(phone_number=SQUATTER_PHONE).is_active


def test_an_email_change_may_take_an_expired_registrations_address(api_client, sent):
    # given a registration of an address that expired, and a member who wants it
    register(api_client, SQUATTER_PHONE, **ERIN)
    member = UserFactory(phone_verified_at=timezone.now())

    # when the member changes their email to it
    with later(TTL + 1):
        response = bearer_client(member).post(
            "/api/users/me/email/",
            {"password": "pass-Word-123", "email": ERIN["email"]},
            format="json",
        )

    # then the address is theirs and the void registration is gone
    assert response.status_code == HTTPStatus.OK
    member.refresh_from_db()
    assert member.email == ERIN["email"]
    assert not User.objects.filter(phone_number=SQUATTER_PHONE).exists()


def test_prune_deletes_expired_pending_accounts_and_nothing_else(api_client, sent):
    # given an expired registration, a fresh one, a verified account staff deactivated,
    # and a staff account made without a phone that is inactive
    register(api_client, SQUATTER_PHONE, **ERIN)
    old = timezone.now() - timedelta(seconds=TTL + 1)
    User.objects.filter(phone_number=SQUATTER_PHONE).update(date_joined=old)
    register(api_client, ERIN_PHONE, username="fresh")
    deactivated = UserFactory(is_active=False, phone_verified_at=old, date_joined=old)
    phoneless = UserFactory(is_active=False, phone_number=None, date_joined=old)

    # when the records are pruned
    out = io.StringIO()
    call_command("prune_account_records", stdout=out)

    # then only the expired registration is gone
    assert set(User.objects.values_list("pk", flat=True)) == {
        User.objects.get(username="fresh").pk,
        deactivated.pk,
        phoneless.pk,
    }
    assert "expired pending accounts: 1 deleted" in out.getvalue()
