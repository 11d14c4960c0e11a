"""SMS backends: console logging, and Twilio replaced only at its HTTP edge (responses)."""

import base64
import logging
from http import HTTPStatus
from urllib.parse import parse_qs

import pytest
import requests
import responses

from users import sms
from users.models import OTPCode, OTPSendLog, User
from users.tests.helpers import REGISTER_URL, RESEND_URL, later, registration

pytestmark = pytest.mark.django_db

SID = "AC" + "1" * 32
TOKEN = "twilio-auth-token-for-tests"
MESSAGES_URL = f"https://api.twilio.com/2010-04-01/Accounts/{SID}/Messages.json"


@pytest.fixture
def twilio(settings):
    settings.SMS_BACKEND = "twilio"
    settings.TWILIO_ACCOUNT_SID = SID
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.TWILIO_FROM_NUMBER = "+15005550006"
    settings.TWILIO_MESSAGING_SERVICE_SID = ""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def message_json(to):
    return {
        "sid": "SM" + "a" * 32,
        "account_sid": SID,
        "to": to,
        "from": "+15005550006",
        "body": "…",
        "status": "queued",
    }


def test_console_backend_logs_the_message(caplog):
    # given the console backend
    caplog.set_level(logging.INFO, logger="users.sms")
    # when a message is sent
    sms.send_sms(to="+14155552671", body="Your code is 123456")
    # then it is in the "users.sms" log at INFO
    assert [(r.name, r.levelno, r.getMessage()) for r in caplog.records] == [
        ("users.sms", logging.INFO, "SMS to +14155552671: Your code is 123456")
    ]


def test_twilio_sends_through_the_messages_api(api_client, twilio):
    # given Twilio accepting the message
    twilio.post(MESSAGES_URL, json=message_json("+14155552671"), status=201)

    # when someone registers
    response = api_client.post(REGISTER_URL, registration("+14155552671"))

    # then the SDK posted To/From/Body with our credentials
    assert response.status_code == HTTPStatus.CREATED
    assert len(twilio.calls) == 1
    request = twilio.calls[0].request
    assert request.url == MESSAGES_URL
    form = parse_qs(request.body)
    assert form["To"] == ["+14155552671"]
    assert form["From"] == ["+15005550006"]
    assert form["Body"][0].startswith("Your Movie API verification code is ")
    expected = base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
    assert request.headers["Authorization"] == f"Basic {expected}"
    assert User.objects.get(phone_number="+14155552671").is_active is False


def test_twilio_messaging_service_is_used_when_configured(api_client, twilio, settings):
    # given a messaging service instead of a sender number
    settings.TWILIO_MESSAGING_SERVICE_SID = "MG" + "2" * 32
    twilio.post(MESSAGES_URL, json=message_json("+14155552671"), status=201)
    # when someone registers
    api_client.post(REGISTER_URL, registration("+14155552671"))
    # then the service SID is sent, not From
    form = parse_qs(twilio.calls[0].request.body)
    assert form["MessagingServiceSid"] == ["MG" + "2" * 32]
    assert "From" not in form


def assert_nothing_saved(phone):
    assert not User.objects.filter(phone_number=phone).exists()
    assert not OTPCode.objects.filter(phone_number=phone).exists()
    assert not OTPSendLog.objects.filter(phone_number=phone).exists()


def test_twilio_invalid_number_is_400_on_phone_and_leaves_no_account(api_client, twilio):
    # given Twilio refusing the number (error 21211)
    twilio.post(
        MESSAGES_URL,
        json={
            "code": 21211,
            "message": "The 'To' number is not a valid phone number.",
            "more_info": "https://www.twilio.com/docs/errors/21211",
            "status": 400,
        },
        status=400,
    )
    # when someone registers
    response = api_client.post(REGISTER_URL, registration("+14155552671"))
    # then it is a 400 on phone_number and nothing was kept
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["errors"] == [
        {
            "field": "phone_number",
            "code": "sms_rejected",
            "message": "This number cannot receive SMS. Check it and try again.",
        }
    ]
    assert_nothing_saved("+14155552671")


@pytest.mark.parametrize(
    "failure",
    [
        {"body": requests.exceptions.ConnectionError("connection refused")},
        {"body": requests.exceptions.ReadTimeout("timed out")},
        {"json": {"code": 20500, "message": "Internal Server Error", "status": 500}, "status": 500},
        {"json": {"code": 20003, "message": "Authenticate", "status": 401}, "status": 401},
    ],
    ids=["connection-error", "timeout", "http-500", "bad-credentials"],
)
def test_twilio_outage_is_503_and_leaves_no_account(api_client, twilio, failure):
    # given Twilio unreachable or failing
    twilio.post(MESSAGES_URL, **failure)
    # when someone registers
    response = api_client.post(REGISTER_URL, registration("+14155552671"))
    # then it is a 503 and nothing was kept, so the person can simply retry
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["code"] == "service_unavailable"
    assert_nothing_saved("+14155552671")


def test_twilio_failure_on_resend_keeps_the_old_code(api_client, twilio, fixed_codes):
    # given a pending registration whose first SMS went out
    fixed_codes("111111", "222222")
    twilio.post(MESSAGES_URL, json=message_json("+14155552671"), status=201)
    api_client.post(REGISTER_URL, registration("+14155552671"))
    twilio.replace(responses.POST, MESSAGES_URL, body=requests.exceptions.ConnectionError("down"))
    # when the resend fails
    with later(61):
        response = api_client.post(RESEND_URL, {"phone_number": "+14155552671"})
        # then it is 503, the first code still works
        assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
        verified = api_client.post(
            "/api/users/otp/verify/", {"phone_number": "+14155552671", "code": "111111"}
        )
    assert verified.status_code == HTTPStatus.OK
    assert OTPCode.objects.filter(phone_number="+14155552671").count() == 1


def test_twilio_timeout_setting_reaches_the_http_client(settings, twilio, monkeypatch):
    # given a 3-second timeout
    settings.TWILIO_TIMEOUT_SECONDS = 3
    seen = {}
    original = requests.Session.send

    def spy(self, request, **kwargs):
        seen["timeout"] = kwargs.get("timeout")
        return original(self, request, **kwargs)

    monkeypatch.setattr(requests.Session, "send", spy)
    twilio.post(MESSAGES_URL, json=message_json("+14155552671"), status=201)
    # when a message is sent
    sms.send_sms(to="+14155552671", body="hi")
    # then the request carried it
    assert seen["timeout"] == 3


def test_unknown_backend_is_a_configuration_error(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.SMS_BACKEND = "carrier-pigeon"
    with pytest.raises(ImproperlyConfigured):
        sms.send_sms(to="+14155552671", body="hi")
