"""One-time codes and phone numbers: generation, hashing, comparison, normalisation.

Codes are 6 digits from `secrets` (the OS CSPRNG), stored only as
HMAC-SHA256(server key, code | phone | per-code nonce) and compared in constant time.
"""

import hmac
import secrets

import phonenumbers
from django.conf import settings
from django.utils.crypto import salted_hmac

from core.errors import field_error
from users.exceptions import AccountErrorCode

CODE_DIGITS = 6
# Numbers that can receive an SMS. Premium-rate, shared-cost, toll-free, pager and
# the like are refused: sending to them costs money and is how SMS pumping pays.
SMS_NUMBER_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


def generate_code() -> str:
    """A zero-padded 6-digit code from the cryptographic random source."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def generate_nonce() -> str:
    return secrets.token_hex(16)


def hash_code(*, code: str, phone_number: str, nonce: str) -> str:
    """HMAC-SHA256 keyed with a key derived from SECRET_KEY; binds code, phone and nonce."""
    message = f"{code}|{phone_number}|{nonce}"
    return salted_hmac(
        "users.otp.code", message, secret=settings.SECRET_KEY, algorithm="sha256"
    ).hexdigest()


def code_matches(*, code: str, phone_number: str, nonce: str, code_hash: str) -> bool:
    """Constant-time comparison of a submitted code with the stored hash."""
    candidate = hash_code(code=code, phone_number=phone_number, nonce=nonce)
    return hmac.compare_digest(candidate.encode(), code_hash.encode())


# E.164, the form the API answers and documents: `+`, country code, at most 15 digits.
# normalize_phone also reads a number written with spaces or dashes.
E164_PATTERN = r"^\+[1-9]\d{1,14}$"


def normalize_phone(raw, *, field: str = "phone_number") -> str:
    """Parse a number written with its country code and return it in E.164.

    Raises ValidationError on `field` for anything unparseable, invalid, not able to
    receive an SMS (premium rate, short codes...) or outside OTP_ALLOWED_COUNTRIES.
    """
    if not isinstance(raw, str) or not raw.strip() or len(raw) > 32:
        raise field_error(field, "Enter a phone number.")
    try:
        number = phonenumbers.parse(raw.strip(), None)
    except phonenumbers.NumberParseException:
        raise field_error(
            field, "Enter the phone number in international format, e.g. +14155550123."
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise field_error(field, "This phone number is not valid.")
    if phonenumbers.number_type(number) not in SMS_NUMBER_TYPES:
        raise field_error(
            field,
            "This number cannot receive a verification SMS; use a mobile number.",
            AccountErrorCode.UNSUPPORTED_NUMBER,
        )
    allowed = {c.upper() for c in settings.OTP_ALLOWED_COUNTRIES}
    if allowed and phonenumbers.region_code_for_number(number) not in allowed:
        raise field_error(
            field,
            "Verification SMS cannot be sent to numbers in this country.",
            AccountErrorCode.COUNTRY_NOT_ALLOWED,
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
