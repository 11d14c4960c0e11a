"""The username rule: one check for every step that sets a username.

Registration (REST and GraphQL) and the admin's user forms call `username_checked`; a
profile cannot change its username. The rule, beyond Django's letters, digits and
`. + - _`:

- NFKC first, as Django's own `normalize_username`: the stored name is the NFKC form, so
  "admin" typed in full-width letters (U+FF41...) is `admin` (and taken if `admin` is).
- No `@`: sign-in and the password reset take a username or an email in one field, and
  a name shaped like an address would shadow that address's account.
- No look-alikes: a name that mixes alphabets with characters that look like letters of
  another ("admin" with a Cyrillic a, U+0430) is refused, and so is a name in one other
  alphabet that reads as an existing Latin name ("scope" spelt in Cyrillic letters when
  `scope` exists). The confusables table is Unicode's (UTS #39), from
  `confusable_homoglyphs`.
"""

import unicodedata

from confusable_homoglyphs import confusables
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.errors import CommonErrorCode
from users.exceptions import AccountErrorCode
from users.models import User
from users.services.pending import expired_pending

USERNAME_MAX_LENGTH: int = User._meta.get_field("username").max_length

USERNAME_TAKEN_MESSAGE = "A user with that username already exists."
USERNAME_AT_MESSAGE = (
    'A username may not contain "@": a name with "@" is read as an email address at sign-in.'
)
USERNAME_MIXED_MESSAGE = (
    "This username mixes alphabets with letters that look alike (such as a Cyrillic"
    ' "a" among Latin letters). Use the letters of one alphabet.'
)
USERNAME_LOOKALIKE_MESSAGE = "A user with a username that looks the same already exists."

# Scripts whose letters are the reference a look-alike is measured against.
_REFERENCE = ("LATIN", "COMMON")


def _latin_skeleton(name: str) -> str:
    """`name` with every letter of another alphabet that looks like a Latin letter
    replaced by that Latin letter, lower-cased (UTS #39's skeleton, towards Latin)."""
    found = confusables.is_confusable(name, greedy=True, preferred_aliases=["latin"]) or []
    swap = {}
    for item in found:
        if item["alias"] in _REFERENCE:
            continue
        latin = [g["c"] for g in item["homoglyphs"] if g["n"].startswith("LATIN ")]
        if latin:
            swap[item["character"]] = latin[0]
    return "".join(swap.get(char, char) for char in name).lower()


def username_taken(name: str, *, exclude_pk=None) -> bool:
    """Is `name` (any case) another account's username? A void registration's is free."""
    return (
        User.objects.filter(username__iexact=name)
        .exclude(pk=exclude_pk)
        .exclude(expired_pending(timezone.now()))
        .exists()
    )


def username_checked(username, *, exclude_pk=None) -> str:
    """The NFKC form of a well-formed, free, unconfusable username; else ValidationError.

    `exclude_pk`: the account being edited, whose own name does not count as taken.
    """
    if not isinstance(username, str) or not username.strip():
        raise ValidationError("This field is required.", code=CommonErrorCode.REQUIRED)
    name = unicodedata.normalize("NFKC", username)
    if len(name) > USERNAME_MAX_LENGTH:
        raise ValidationError(
            f"At most {USERNAME_MAX_LENGTH} characters.", code=CommonErrorCode.MAX_LENGTH
        )
    UnicodeUsernameValidator()(name)
    if "@" in name:
        raise ValidationError(USERNAME_AT_MESSAGE, code=AccountErrorCode.EMAIL_LIKE)
    if confusables.is_dangerous(name):
        raise ValidationError(USERNAME_MIXED_MESSAGE, code=AccountErrorCode.CONFUSABLE)
    if username_taken(name, exclude_pk=exclude_pk):
        raise ValidationError(USERNAME_TAKEN_MESSAGE, code=CommonErrorCode.UNIQUE)
    skeleton = _latin_skeleton(name)
    if skeleton != name.lower() and username_taken(skeleton, exclude_pk=exclude_pk):
        raise ValidationError(USERNAME_LOOKALIKE_MESSAGE, code=CommonErrorCode.UNIQUE)
    return name
