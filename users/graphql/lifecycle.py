"""GraphQL door of an account's lifetime: thin mutations over users.services.

They share the per-address throttles of their REST twins (users/api/lifecycle.py). The
code-sending and code-checking fields declare `@service_transactions`: the view must
not roll back the failure counters and send logs those services write before raising.
The export is a field of `me` (users/graphql/types.py).
"""

import graphene

from movie_api.graphql.auth import require_user
from movie_api.graphql.policy import rate_limited, service_transactions
from movie_api.graphql.rates import check_throttle
from movie_api.security.client import client_ip
from users import services
from users.current_password import current_password_of, errors_named
from users.graphql.types import (
    current_password_argument,
    deprecated_password_argument,
    step_up_code,
)


@service_transactions
@rate_limited("otp_resend")
class RequestPasswordReset(graphene.Mutation):
    """Text a password reset code; the same answer whether or not an account matches."""

    class Meta:
        name = "RequestPasswordResetPayload"

    class Arguments:
        phone_number = graphene.String(description="The account's phone number, E.164.")
        username = graphene.String(description="Or the account's username (or email).")

    ok = graphene.Boolean(required=True, description="True when the request was accepted.")
    message = graphene.String(required=True, description="What happens next.")

    @staticmethod
    def mutate(root, info, phone_number=None, username=None):
        check_throttle(info, "otp_resend")
        services.password_reset_request(
            phone_number=phone_number, username=username, client_ip=client_ip(info.context)
        )
        return RequestPasswordReset(ok=True, message=services.RESET_REQUESTED_MESSAGE)


@service_transactions
@rate_limited("otp_verify")
class ResetPassword(graphene.Mutation):
    """Set a new password with the texted code; every earlier token stops working."""

    class Meta:
        name = "ResetPasswordPayload"

    class Arguments:
        phone_number = graphene.String(required=True, description="The account's phone, E.164.")
        code = graphene.String(required=True, description="The 6-digit code.")
        new_password = graphene.String(required=True, description="The new password.")

    ok = graphene.Boolean(required=True, description="True when the password was changed.")
    message = graphene.String(required=True, description="What happens next.")

    @staticmethod
    def mutate(root, info, phone_number, code, new_password):
        check_throttle(info, "otp_verify")
        services.password_reset_confirm(
            phone_number=phone_number,
            code=code,
            new_password=new_password,
            client_ip=client_ip(info.context),
        )
        return ResetPassword(ok=True, message=services.PASSWORD_RESET_MESSAGE)


@service_transactions
class RequestPhoneChange(graphene.Mutation):
    """With the current password, text a code to a new number."""

    class Meta:
        name = "RequestPhoneChangePayload"

    class Arguments:
        current_password = current_password_argument()
        password = deprecated_password_argument()
        phone_number = graphene.String(required=True, description="The new number, E.164.")
        code = step_up_code()

    ok = graphene.Boolean(required=True, description="True when the request was accepted.")
    message = graphene.String(required=True, description="What happens next.")

    @staticmethod
    def mutate(root, info, phone_number, code=None, **passwords):
        user = require_user(info)
        check_throttle(info, "otp_resend")
        password, sent_as = current_password_of(
            passwords, old_name="password", request=info.context
        )
        with errors_named(sent_as, "password"):
            services.phone_change_request(
                user=user,
                password=password,
                phone_number=phone_number,
                client_ip=client_ip(info.context),
                code=code,
            )
        return RequestPhoneChange(ok=True, message=services.PHONE_CODE_SENT_MESSAGE)


@service_transactions
class ConfirmPhoneChange(graphene.Mutation):
    """Confirm the code sent to the new number; the number changes, the old one is told."""

    class Meta:
        name = "ConfirmPhoneChangePayload"

    class Arguments:
        phone_number = graphene.String(required=True, description="The new number, E.164.")
        code = graphene.String(required=True, description="The 6-digit code sent to it.")

    ok = graphene.Boolean(required=True, description="True when the number was changed.")
    message = graphene.String(required=True, description="What happened.")
    phone_number = graphene.String(required=True, description="The number now on the account.")

    @staticmethod
    def mutate(root, info, phone_number, code):
        user = require_user(info)
        check_throttle(info, "otp_verify")
        user = services.phone_change_confirm(
            user=user, phone_number=phone_number, code=code, client_ip=client_ip(info.context)
        )
        return ConfirmPhoneChange(
            ok=True, message=services.PHONE_CHANGED_MESSAGE, phone_number=user.phone_number
        )


@service_transactions
class ChangeEmail(graphene.Mutation):
    """With the current password, change the email at once (no verification step)."""

    class Meta:
        name = "ChangeEmailPayload"

    class Arguments:
        current_password = current_password_argument()
        password = deprecated_password_argument()
        email = graphene.String(required=True, description="The new email address.")
        code = step_up_code()

    ok = graphene.Boolean(required=True, description="True when the email was changed.")
    message = graphene.String(required=True, description="What happened.")
    email = graphene.String(required=True, description="The email now on the account.")
    verification_required = graphene.Boolean(
        required=True, description="Always false: the change is immediate."
    )

    @staticmethod
    def mutate(root, info, email, code=None, **passwords):
        user = require_user(info)
        check_throttle(info, "login")
        password, sent_as = current_password_of(
            passwords, old_name="password", request=info.context
        )
        with errors_named(sent_as, "password"):
            user = services.email_change(
                user=user,
                password=password,
                email=email,
                client_ip=client_ip(info.context),
                code=code,
            )
        return ChangeEmail(
            ok=True,
            message=services.EMAIL_CHANGED_MESSAGE,
            email=user.email,
            verification_required=False,
        )


@service_transactions
class DeleteAccount(graphene.Mutation):
    """With the current password, delete the account; rated movies are recomputed."""

    class Meta:
        name = "DeleteAccountPayload"

    class Arguments:
        current_password = current_password_argument()
        password = deprecated_password_argument()
        code = step_up_code()

    ok = graphene.Boolean(required=True, description="True when the account is gone.")
    message = graphene.String(required=True, description="What was deleted.")

    @staticmethod
    def mutate(root, info, code=None, **passwords):
        user = require_user(info)
        check_throttle(info, "login")
        password, sent_as = current_password_of(
            passwords, old_name="password", request=info.context
        )
        with errors_named(sent_as, "password"):
            services.account_delete(
                user=user, password=password, client_ip=client_ip(info.context), code=code
            )
        return DeleteAccount(ok=True, message=services.ACCOUNT_DELETED_MESSAGE)


class Mutation(graphene.ObjectType):
    """Account lifetime writes."""

    request_password_reset = RequestPasswordReset.Field(
        description="Text a password reset code to an account's verified phone."
    )
    reset_password = ResetPassword.Field(description="Set a new password with the texted code.")
    request_phone_change = RequestPhoneChange.Field(description="Text a code to a new number.")
    confirm_phone_change = ConfirmPhoneChange.Field(
        description="Change the phone number with the code sent to it."
    )
    change_email = ChangeEmail.Field(description="Change the email address.")
    delete_account = DeleteAccount.Field(description="Delete your account and its data.")
