"""Shared constants and bodies of the accounts tests."""

REGISTER_URL = "/api/users/register/"
VERIFY_URL = "/api/users/otp/verify/"
RESEND_URL = "/api/users/otp/resend/"
LOGIN_URL = "/api/users/login/"
REFRESH_URL = "/api/users/token/refresh/"
LOGOUT_URL = "/api/users/logout/"


def registration(phone, **overrides):
    """A valid registration body for `phone`."""
    name = overrides.pop("username", "new" + "".join(c for c in phone if c.isdigit())[-6:])
    body = {
        "username": name,
        "email": f"{name}@example.com",
        "password": "Sturdy-pass-42",
        "password_confirm": "Sturdy-pass-42",
        "phone_number": phone,
    }
    body.update(overrides)
    return body


def later(seconds: float):
    """time-machine: freeze the clock `seconds` from now (for cooldowns and expiry)."""
    import datetime as dt

    import time_machine
    from django.utils import timezone

    return time_machine.travel(timezone.now() + dt.timedelta(seconds=seconds), tick=False)
