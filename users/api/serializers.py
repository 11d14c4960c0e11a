"""REST shapes of accounts. Serializers check shape only; users.services decides.

Shape means types and required fields: lengths, formats, ranges and existence are
rules of users.services, so REST and GraphQL answer them with the same message.
"""

from rest_framework import serializers

from core.fields import StrictCharField, documented
from users.otp import E164_PATTERN
from users.services.profile import BIO_MAX_LENGTH


def _secret(**kwargs):
    return StrictCharField(
        write_only=True,
        trim_whitespace=False,
        style={"input_type": "password"},
        **kwargs,
    )


def _phone(help_text: str, **kwargs):
    """A phone number, documented as the E.164 form users.otp reads and answers."""
    return documented(
        StrictCharField(help_text=help_text, **kwargs), pattern=E164_PATTERN, max_length=32
    )


def current_password_field():
    """`current_password`: the one name of the current password (users/current_password.py)."""
    return _secret(required=False, help_text="The current password.")


def deprecated_password_field(instead: str):
    """An old name of the current password, still read until its sunset (docs/api-changelog.md)."""
    return _secret(required=False, help_text=f"Deprecated: send `{instead}` instead.")


def step_up_code(**kwargs):
    """The optional 6-digit `code` every password check takes after a `step_up_required`."""
    return serializers.RegexField(
        r"^\d{6}$",
        required=False,
        help_text="The 6-digit SMS code, only after an answer with `code: step_up_required`.",
        **kwargs,
    )


class RegisterSerializer(serializers.Serializer):
    """Body of POST /api/users/register/."""

    # Lengths and formats of these fields are users.services rules (one message per rule).
    username = StrictCharField(help_text="At most 150 characters.")
    email = StrictCharField()
    password = _secret()
    password_confirm = _secret()
    phone_number = _phone("E.164, e.g. +14155550123")


class PhoneSerializer(serializers.Serializer):
    """Body of POST /api/users/otp/resend/."""

    phone_number = _phone("E.164, e.g. +14155550123")


class OTPVerifySerializer(PhoneSerializer):
    """Body of POST /api/users/otp/verify/."""

    code = StrictCharField(help_text="The 6-digit code from the SMS")


class DetailSerializer(serializers.Serializer):
    """`{detail}`: a message for the caller."""

    detail = StrictCharField()


class LoginSerializer(serializers.Serializer):
    """Body of POST /api/users/login/: username or email, and password."""

    username = StrictCharField(help_text="Username or email")
    password = _secret()
    code = step_up_code()


class TokenUserSerializer(serializers.Serializer):
    """`{id, username, email}` of the signed-in user."""

    id = serializers.IntegerField()
    username = StrictCharField()
    email = StrictCharField()


class TokenPairSerializer(serializers.Serializer):
    """`{access, refresh}`."""

    access = StrictCharField()
    refresh = StrictCharField()


class LoginResponseSerializer(TokenPairSerializer):
    """`{access, refresh, user: {id, username, email}}`."""

    user = TokenUserSerializer()


class VerifyResponseSerializer(LoginResponseSerializer):
    """A verified account is signed in at once."""

    detail = StrictCharField()


class RefreshSerializer(serializers.Serializer):
    """Body of POST /api/users/token/refresh/ and /logout/."""

    refresh = StrictCharField()


class PasswordChangeSerializer(serializers.Serializer):
    """Body of POST /api/users/me/password/."""

    current_password = current_password_field()
    old_password = deprecated_password_field("current_password")
    new_password = _secret()
    code = step_up_code()


class ProfileSerializer(serializers.Serializer):
    """A profile. Writable: email (with `current_password`), bio, profile_picture
    (multipart). The lists app adds the three id lists (lists/api/serializers.py).

    Staff flags, activity, phone number and its verification are read-only (no mass assignment); the
    phone number is shown to its owner only.
    """

    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    email = StrictCharField(required=False)
    current_password = _secret(
        required=False, help_text="The account's password; required to change the email."
    )
    code = step_up_code(write_only=True)
    phone_number = serializers.CharField(read_only=True, allow_null=True)
    phone_verified_at = serializers.DateTimeField(read_only=True, allow_null=True)
    bio = documented(StrictCharField(required=False, allow_blank=True), max_length=BIO_MAX_LENGTH)
    # allow_null: reads are null without a picture; a null write changes nothing.
    profile_picture = serializers.ImageField(required=False, allow_null=True, use_url=True)
    date_joined = serializers.DateTimeField(read_only=True)
    is_staff = serializers.BooleanField(read_only=True)

    # What a PUT replaces, so a PUT sends each of them (PATCH sends what it changes; the
    # document declares its body partial). The picture is an upload, never replaced by
    # leaving it out.
    replaced_by_put = ("email", "bio")

    def get_fields(self):
        fields = super().get_fields()
        # Required on a full write and in the document (drf-yasg's fake view), not on a
        # read, where DRF would then refuse a field the instance has no attribute for.
        view = self.context.get("view")
        if not self.partial and (
            hasattr(self, "initial_data") or getattr(view, "swagger_fake_view", False)
        ):
            for name in self.replaced_by_put:
                fields[name].required = True
        return fields

    def to_representation(self, user):
        data = super().to_representation(user)
        request = self.context.get("request")
        if request is None or request.user.pk != user.pk:
            data.pop("phone_number", None)
            data.pop("phone_verified_at", None)
        return data

    def to_internal_value(self, data):
        # The picture is checked and re-encoded by the service (clean_image), so it is
        # passed through as the raw upload; ImageField would decode it a second time.
        picture = None
        if hasattr(data, "getlist"):  # multipart / form: repeated keys make the id lists
            picture = data.get("profile_picture")
            data = {
                key: data.getlist(key) if key.endswith("_movie_ids") else data.get(key)
                for key in data
                if key != "profile_picture"
            }
        elif isinstance(data, dict):
            picture = data.get("profile_picture")
            data = {k: v for k, v in data.items() if k != "profile_picture"}
        value = super().to_internal_value(data)
        if picture not in (None, ""):
            if not hasattr(picture, "read"):
                raise serializers.ValidationError(
                    {"profile_picture": ["Upload an image file (multipart/form-data)."]}
                )
            value["profile_picture"] = picture
        return value
