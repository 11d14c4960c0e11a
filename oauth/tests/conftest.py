"""Fixtures of the provider's tests: the accounts tests' phone numbers and SMS log."""

from users.tests.conftest import new_phone, sms_log  # noqa: F401
