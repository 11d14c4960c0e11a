"""REST door of an account's lifetime: thin views over users.services.

Routes (users/api/urls.py): password/reset/, password/reset/confirm/, me/phone/,
me/phone/confirm/, me/email/, me/delete/ (lists/api/urls.py mounts
me/export/). Each view names its operation (users/operations.py), which says its
per-address limit and credentials.
"""

from drf_yasg.utils import swagger_auto_schema
from rest_framework import serializers
from rest_framework.response import Response

from core.fields import StrictCharField
from core.security.client import client_ip
from users import operations as ops
from users import services
from users.api.serializers import (
    DetailSerializer,
    _phone,
    _secret,
    current_password_field,
    deprecated_password_field,
    step_up_code,
)
from users.api.views import AccountOperationView
from users.current_password import current_password_of, errors_named


class PasswordResetSerializer(serializers.Serializer):
    """Body of POST /api/users/password/reset/: a phone number or a username (or email)."""

    phone_number = StrictCharField(max_length=32, required=False, allow_blank=True)
    username = StrictCharField(max_length=254, required=False, allow_blank=True)


class PasswordResetConfirmSerializer(serializers.Serializer):
    """Body of POST /api/users/password/reset/confirm/."""

    phone_number = _phone("The account's phone, E.164", max_length=32)
    code = StrictCharField(max_length=16, help_text="The 6-digit code from the SMS")
    new_password = _secret()


class PhoneChangeSerializer(serializers.Serializer):
    """Body of POST /api/users/me/phone/."""

    current_password = current_password_field()
    password = deprecated_password_field("current_password")
    phone_number = _phone("The new number, E.164", max_length=32)
    code = step_up_code()


class PhoneChangeConfirmSerializer(serializers.Serializer):
    """Body of POST /api/users/me/phone/confirm/."""

    phone_number = _phone("The new number, E.164", max_length=32)
    code = StrictCharField(max_length=16, help_text="The 6-digit code sent to it")


class PhoneChangedSerializer(DetailSerializer):
    """`{detail, phone_number}`: the number now on the account."""

    phone_number = serializers.CharField()


class EmailChangeSerializer(serializers.Serializer):
    """Body of POST /api/users/me/email/."""

    current_password = current_password_field()
    password = deprecated_password_field("current_password")
    email = StrictCharField(max_length=254)
    code = step_up_code()


class EmailChangedSerializer(DetailSerializer):
    """`{detail, email, verification_required}`: the change is immediate."""

    email = serializers.CharField()
    verification_required = serializers.BooleanField()


class PasswordSerializer(serializers.Serializer):
    """Body of POST /api/users/me/delete/: the current password (and a step-up code)."""

    current_password = current_password_field()
    password = deprecated_password_field("current_password")
    code = step_up_code()


class PasswordResetView(AccountOperationView):
    """Text a password reset code; the same answer whether or not an account matches."""

    operation = ops.PASSWORD_RESET

    @swagger_auto_schema(request_body=PasswordResetSerializer, responses={200: DetailSerializer})
    def post(self, request):
        data = self.valid(PasswordResetSerializer)
        services.password_reset_request(**data, client_ip=client_ip(request))
        return Response({"detail": services.RESET_REQUESTED_MESSAGE})


class PasswordResetConfirmView(AccountOperationView):
    """Set a new password with the texted code; every earlier token stops working."""

    operation = ops.PASSWORD_RESET_CONFIRM

    @swagger_auto_schema(
        request_body=PasswordResetConfirmSerializer,
        responses={200: DetailSerializer},
    )
    def post(self, request):
        services.password_reset_confirm(
            **self.valid(PasswordResetConfirmSerializer), client_ip=client_ip(request)
        )
        return Response({"detail": services.PASSWORD_RESET_MESSAGE})


class PhoneChangeView(AccountOperationView):
    """With the current password, text a code to a new number."""

    operation = ops.PHONE_CHANGE

    @swagger_auto_schema(request_body=PhoneChangeSerializer, responses={200: DetailSerializer})
    def post(self, request):
        data = dict(self.valid(PhoneChangeSerializer))
        password, sent_as = current_password_of(data, old_name="password", request=request)
        with errors_named(sent_as, "password"):
            services.phone_change_request(
                user=request.user, password=password, **data, client_ip=client_ip(request)
            )
        return Response({"detail": services.PHONE_CODE_SENT_MESSAGE})


class PhoneChangeConfirmView(AccountOperationView):
    """Confirm the code sent to the new number; the number changes, the old one is told."""

    operation = ops.PHONE_CHANGE_CONFIRM

    @swagger_auto_schema(
        request_body=PhoneChangeConfirmSerializer, responses={200: PhoneChangedSerializer}
    )
    def post(self, request):
        data = self.valid(PhoneChangeConfirmSerializer)
        user = services.phone_change_confirm(
            user=request.user, **data, client_ip=client_ip(request)
        )
        return Response(
            {"detail": services.PHONE_CHANGED_MESSAGE, "phone_number": user.phone_number}
        )


class EmailChangeView(AccountOperationView):
    """With the current password, change the email at once (no verification step)."""

    operation = ops.EMAIL_CHANGE

    @swagger_auto_schema(
        request_body=EmailChangeSerializer, responses={200: EmailChangedSerializer}
    )
    def post(self, request):
        data = dict(self.valid(EmailChangeSerializer))
        password, sent_as = current_password_of(data, old_name="password", request=request)
        with errors_named(sent_as, "password"):
            user = services.email_change(
                user=request.user, password=password, **data, client_ip=client_ip(request)
            )
        return Response(
            {
                "detail": services.EMAIL_CHANGED_MESSAGE,
                "email": user.email,
                "verification_required": False,
            }
        )


class AccountDeleteView(AccountOperationView):
    """With the current password, delete the account; rated movies are recomputed."""

    operation = ops.ACCOUNT_DELETE

    @swagger_auto_schema(request_body=PasswordSerializer, responses={200: DetailSerializer})
    def post(self, request):
        data = dict(self.valid(PasswordSerializer))
        password, sent_as = current_password_of(data, old_name="password", request=request)
        with errors_named(sent_as, "password"):
            services.account_delete(
                user=request.user, password=password, **data, client_ip=client_ip(request)
            )
        return Response({"detail": services.ACCOUNT_DELETED_MESSAGE})


class AccountExportBaseView(AccountOperationView):
    """The caller's data as one JSON document (format: docs/account-export.md).

    The document spans several apps, so the lists app mounts its subclass
    (lists/api/views.py), which says what `export` returns.
    """

    operation = ops.ACCOUNT_EXPORT

    def export(self, user) -> dict:
        raise NotImplementedError

    def get(self, request):
        document = self.export(request.user)
        filename = f"movie-api-export-{request.user.pk}.json"
        return Response(document, headers={"Content-Disposition": f'inline; filename="{filename}"'})
