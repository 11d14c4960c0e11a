"""Sending SMS: a console backend for development and Twilio for production.

`settings.SMS_BACKEND` picks one ("console" by default). Every backend raises only
the two errors below, so callers map them without knowing which backend ran:
`SMSInvalidNumber` (the provider refuses the number: a 400 on `phone_number`) and
`SMSUnavailable` (network error, timeout, provider 5xx, bad credentials: a 503).
"""

import logging
import threading

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from core.metrics import SMS_ERRORS

logger = logging.getLogger("users.sms")

# Twilio error codes that mean "this destination cannot receive our SMS".
# https://www.twilio.com/docs/api/errors
TWILIO_INVALID_NUMBER_CODES = {21211, 21214, 21217, 21219, 21407, 21408, 21612, 21614, 21610}


class SMSError(Exception):
    """Base class of SMS delivery errors."""


class SMSInvalidNumber(SMSError):
    """The provider refuses to deliver to this number."""


class SMSUnavailable(SMSError):
    """The provider could not be reached or failed; try again later."""


class ConsoleBackend:
    """Writes the message to the "users.sms" logger, so a developer can finish sign-up."""

    def send(self, *, to: str, body: str) -> None:
        logger.info("SMS to %s: %s", to, body)


class TwilioBackend:
    """Sends through Twilio's Messages API with the official SDK."""

    def __init__(self):
        if not (settings.TWILIO_ACCOUNT_SID and settings.TWILIO_AUTH_TOKEN):
            raise ImproperlyConfigured("SMS_BACKEND=twilio needs TWILIO_ACCOUNT_SID/AUTH_TOKEN.")
        if not (settings.TWILIO_FROM_NUMBER or settings.TWILIO_MESSAGING_SERVICE_SID):
            raise ImproperlyConfigured(
                "SMS_BACKEND=twilio needs TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID."
            )

    def _client(self):
        from twilio.http.http_client import TwilioHttpClient
        from twilio.rest import Client

        return Client(
            settings.TWILIO_ACCOUNT_SID,
            settings.TWILIO_AUTH_TOKEN,
            http_client=TwilioHttpClient(timeout=settings.TWILIO_TIMEOUT_SECONDS),
        )

    def send(self, *, to: str, body: str) -> None:
        from twilio.base.exceptions import TwilioException, TwilioRestException

        kwargs = {"to": to, "body": body}
        if settings.TWILIO_MESSAGING_SERVICE_SID:
            kwargs["messaging_service_sid"] = settings.TWILIO_MESSAGING_SERVICE_SID
        else:
            kwargs["from_"] = settings.TWILIO_FROM_NUMBER
        try:
            message = self._client().messages.create(**kwargs)
        except TwilioRestException as exc:
            if exc.status == 400 and exc.code in TWILIO_INVALID_NUMBER_CODES:
                logger.info("Twilio refused the number (code %s)", exc.code)
                raise SMSInvalidNumber(str(exc.code)) from exc
            logger.warning("Twilio error: status %s code %s", exc.status, exc.code)
            raise SMSUnavailable(f"twilio {exc.status}") from exc
        except (requests.RequestException, TwilioException) as exc:
            logger.warning("Twilio unreachable: %s", type(exc).__name__)
            raise SMSUnavailable("twilio unreachable") from exc
        logger.info("Twilio accepted message %s", message.sid)


BACKENDS = {"console": ConsoleBackend, "twilio": TwilioBackend}


def get_backend():
    """The backend named by settings.SMS_BACKEND."""
    try:
        return BACKENDS[settings.SMS_BACKEND]()
    except KeyError:
        raise ImproperlyConfigured(
            f"SMS_BACKEND must be one of {sorted(BACKENDS)}, not {settings.SMS_BACKEND!r}."
        ) from None


def send_sms(*, to: str, body: str) -> None:
    """Send `body` to the E.164 number `to`; raises SMSInvalidNumber or SMSUnavailable."""
    try:
        get_backend().send(to=to, body=body)
    except SMSInvalidNumber:
        SMS_ERRORS.labels(kind="invalid_number").inc()
        raise
    except SMSUnavailable:
        SMS_ERRORS.labels(kind="unavailable").inc()
        raise


def send_in_background(*, to: str, body: str) -> None:
    """Send without making the caller wait; a failure is logged, not raised.

    For the sign-in step-up code: the answer must take as long whether or not a code
    was sent, so the provider's latency cannot tell a caller the password was right.
    SMS_SEND_IN_BACKGROUND=False sends inline (tests read the console log at once).
    """

    def send():
        try:
            send_sms(to=to, body=body)
        except SMSError as exc:
            logger.warning("Sign-in code to ...%s not sent: %s", to[-4:], type(exc).__name__)

    if settings.SMS_SEND_IN_BACKGROUND:
        threading.Thread(target=send, name="sms-send", daemon=True).start()
    else:
        send()
