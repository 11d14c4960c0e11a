"""GraphQL door of an account's lifetime: thin mutations over users.services.

Each names its operation (users/operations.py), as its REST twin does
(users/api/lifecycle.py): same per-address limit, transaction policy and credentials.
The export is a field of `me` (users/graphql/types.py).
"""

import graphene

from core.graphql.mutations import OperationMutation
from core.security.client import client_ip
from users import operations as ops
from users import services
from users.current_password import current_password_of, errors_named
from users.graphql.types import (
    current_password_argument,
    deprecated_password_argument,
    step_up_code,
)


class RequestPasswordReset(OperationMutation):
    """Text a password reset code; the same answer whether or not an account matches."""

    class Meta:
        name = "RequestPasswordResetPayload"
        operation = ops.PASSWORD_RESET

    class Arguments:
        phone_number = graphene.String(description="The account's phone number, E.164.")
        username = graphene.String(description="Or the account's username (or email).")

    ok = graphene.Boolean(required=True, description="True when the request was accepted.")
    message = graphene.String(required=True, description="What happens next.")

    @staticmethod
    def mutate(root, info, phone_number=None, username=None):
        services.password_reset_request(
            phone_number=phone_number, username=username, client_ip=client_ip(info.context)
        )
        return RequestPasswordReset(ok=True, message=services.RESET_REQUESTED_MESSAGE)


class ResetPassword(OperationMutation):
    """Set a new password with the texted code; every earlier token stops working."""

    class Meta:
        name = "ResetPasswordPayload"
        operation = ops.PASSWORD_RESET_CONFIRM

    class Arguments:
        phone_number = graphene.String(required=True, description="The account's phone, E.164.")
        code = graphene.String(required=True, description="The 6-digit code.")
        new_password = graphene.String(required=True, description="The new password.")

    ok = graphene.Boolean(required=True, description="True when the password was changed.")
    message = graphene.String(required=True, description="What happens next.")

    @staticmethod
    def mutate(root, info, phone_number, code, new_password):
        services.password_reset_confirm(
            phone_number=phone_number,
            code=code,
            new_password=new_password,
            client_ip=client_ip(info.context),
        )
        return ResetPassword(ok=True, message=services.PASSWORD_RESET_MESSAGE)


class RequestPhoneChange(OperationMutation):
    """With the current password, text a code to a new number."""

    class Meta:
        name = "RequestPhoneChangePayload"
        operation = ops.PHONE_CHANGE

    class Arguments:
        current_password = current_password_argument()
        password = deprecated_password_argument()
        phone_number = graphene.String(required=True, description="The new number, E.164.")
        code = step_up_code()

    ok = graphene.Boolean(required=True, description="True when the request was accepted.")
    message = graphene.String(required=True, description="What happens next.")

    @staticmethod
    def mutate(root, info, phone_number, code=None, **passwords):
        user = info.context.user
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


class ConfirmPhoneChange(OperationMutation):
    """Confirm the code sent to the new number; the number changes, the old one is told."""

    class Meta:
        name = "ConfirmPhoneChangePayload"
        operation = ops.PHONE_CHANGE_CONFIRM

    class Arguments:
        phone_number = graphene.String(required=True, description="The new number, E.164.")
        code = graphene.String(required=True, description="The 6-digit code sent to it.")

    ok = graphene.Boolean(required=True, description="True when the number was changed.")
    message = graphene.String(required=True, description="What happened.")
    phone_number = graphene.String(required=True, description="The number now on the account.")

    @staticmethod
    def mutate(root, info, phone_number, code):
        user = info.context.user
        user = services.phone_change_confirm(
            user=user, phone_number=phone_number, code=code, client_ip=client_ip(info.context)
        )
        return ConfirmPhoneChange(
            ok=True, message=services.PHONE_CHANGED_MESSAGE, phone_number=user.phone_number
        )


class ChangeEmail(OperationMutation):
    """With the current password, change the email at once (no verification step)."""

    class Meta:
        name = "ChangeEmailPayload"
        operation = ops.EMAIL_CHANGE

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
        user = info.context.user
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


class DeleteAccount(OperationMutation):
    """With the current password, delete the account; rated movies are recomputed."""

    class Meta:
        name = "DeleteAccountPayload"
        operation = ops.ACCOUNT_DELETE

    class Arguments:
        current_password = current_password_argument()
        password = deprecated_password_argument()
        code = step_up_code()

    ok = graphene.Boolean(required=True, description="True when the account is gone.")
    message = graphene.String(required=True, description="What was deleted.")

    @staticmethod
    def mutate(root, info, code=None, **passwords):
        user = info.context.user
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
