"""Shape rules of account fields that several steps share (email, password length)."""

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from core.errors import CommonErrorCode
from users.models import User

EMAIL_MAX_LENGTH: int = User._meta.get_field("email").max_length
PASSWORD_MAX_LENGTH = 128


def email_is_valid(email) -> bool:
    """A well-formed address that fits the column."""
    if not isinstance(email, str) or len(email) > EMAIL_MAX_LENGTH:
        return False
    try:
        EmailValidator()(email)
    except ValidationError:
        return False
    return True


def password_too_long() -> ValidationError:
    return ValidationError(
        f"At most {PASSWORD_MAX_LENGTH} characters.", code=CommonErrorCode.MAX_LENGTH
    )
