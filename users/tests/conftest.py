"""Fixtures of the accounts tests: phone numbers, codes read from the console SMS log."""

import itertools
import logging
import re

import pytest

from users import otp as otp_lib

_numbers = itertools.count(1000)


@pytest.fixture
def new_phone():
    """A fresh valid US number in E.164 on each call."""
    return lambda: f"+1202555{next(_numbers) % 10000:04d}"


@pytest.fixture
def sms_log(caplog):
    """Codes the console backend wrote to the "users.sms" logger, oldest first."""
    caplog.set_level(logging.INFO, logger="users.sms")

    def codes(to=None):
        found = []
        for record in caplog.records:
            if record.name != "users.sms":
                continue
            message = record.getMessage()
            if to is not None and f"SMS to {to}:" not in message:
                continue
            match = re.search(r"code is (\d{6})", message)
            if match:
                found.append(match.group(1))
        return found

    return codes


@pytest.fixture
def fixed_codes(monkeypatch):
    """Make the generator hand out the given codes in order (tests of wrong/right codes)."""

    def use(*codes):
        sequence = iter(codes)
        monkeypatch.setattr(otp_lib, "generate_code", lambda: next(sequence))

    return use
