"""The current password, asked under one name on both doors: `current_password`.

Every step that checks the caller's password before a change takes it as
`current_password` (GraphQL `currentPassword`): the profile's email change, the
password change, the phone change, the email change and the account deletion. The
names used before still work until their sunset, deprecated in one place
(core/versions.py DEPRECATIONS["current_password"]): `old_password` of the
password change, `password` of the other three. A door reads the value with
`current_password_of` and runs the service inside `errors_named`, so an error names
the field the client sent, with the service's one message on either door.
"""

from contextlib import contextmanager

from django.core.exceptions import ValidationError

from core.errors import field_error
from core.versions import deprecation_used

CURRENT = "current_password"
DEPRECATION = "current_password"
TWICE_MESSAGE = "Send the current password once, as current_password."


def current_password_of(values: dict, *, old_name: str, request) -> tuple[str | None, str]:
    """(the password, the name it was sent under), popped from a door's `values`.

    Both names at once are refused; the old name alone marks the request as using a
    deprecated field (its answer gets the Deprecation and Sunset headers). Neither:
    (None, CURRENT), which the service refuses as required.
    """
    current = values.pop(CURRENT, None)
    old = values.pop(old_name, None)
    if current is not None and old is not None:
        raise field_error(CURRENT, TWICE_MESSAGE)
    if old is not None:
        deprecation_used(request, DEPRECATION)
        return old, old_name
    return current, CURRENT


@contextmanager
def errors_named(sent_as: str, service_field: str):
    """Re-key the service's error on `service_field` to the name the client sent."""
    try:
        yield
    except ValidationError as exc:
        errors = getattr(exc, "error_dict", None)
        if not errors or service_field not in errors or sent_as == service_field:
            raise
        renamed = {sent_as if key == service_field else key: value for key, value in errors.items()}
        raise ValidationError(renamed) from exc
