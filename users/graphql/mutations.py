"""Account mutations: sign-up, OTP, tokens and the password, through users.services.

Each names its operation (users/operations.py), as its REST twin does: same
per-address limit (scope, rate and counters), on top of the database-backed limits
inside the services; the transaction policy and credentials come from there too.
"""

import graphene

from core.graphql.arguments import provided
from core.graphql.errors import renamed_fields
from core.graphql.mutations import OperationMutation
from core.security.client import client_ip
from users import operations as ops
from users import services
from users.graphql.types import AuthUser, step_up_code


class RegisterInput(graphene.InputObjectType):
    """A new account's details."""

    username = graphene.String(required=True, description="Username.")
    email = graphene.String(required=True, description="Email address.")
    password = graphene.String(required=True, description="Password.")
    password_confirm = graphene.String(required=True, description="The password again.")
    phone_number = graphene.String(
        required=True, description="Phone number in E.164, e.g. +14155550123."
    )


class Register(OperationMutation):
    """Create an inactive account and text it a code (then call verifyOtp)."""

    class Meta:
        name = "RegisterPayload"
        operation = ops.REGISTER

    class Arguments:
        input = RegisterInput(required=True, description="The account's details.")

    ok = graphene.Boolean(required=True, description="True when the request was accepted.")
    message = graphene.String(required=True, description="What happens next.")

    @staticmethod
    def mutate(root, info, input):
        services.user_register(**provided(input), client_ip=client_ip(info.context))
        return Register(ok=True, message=services.CODE_SENT_MESSAGE)


class VerifyOtp(OperationMutation):
    """Check the code texted to a phone; the account becomes active and is signed in."""

    class Meta:
        name = "VerifyOtpPayload"
        operation = ops.OTP_VERIFY

    class Arguments:
        phone_number = graphene.String(required=True, description="The phone number, E.164.")
        code = graphene.String(required=True, description="The 6-digit code.")

    ok = graphene.Boolean(required=True, description="True when the account is verified.")
    message = graphene.String(required=True, description="What happened.")
    access = graphene.String(required=True, description="Access token: `Bearer <access>`.")
    refresh = graphene.String(required=True, description="Refresh token for refreshToken.")
    user = graphene.Field(AuthUser, required=True, description="The verified account.")

    @staticmethod
    def mutate(root, info, phone_number, code):
        result = services.otp_verify_sign_in(
            phone_number=phone_number, code=code, client_ip=client_ip(info.context)
        )
        return VerifyOtp(ok=True, message=result.pop("detail"), **result)


class ResendOtp(OperationMutation):
    """Text a new code to a pending account's phone (the old code dies)."""

    class Meta:
        name = "ResendOtpPayload"
        operation = ops.OTP_RESEND

    class Arguments:
        phone_number = graphene.String(required=True, description="The phone number, E.164.")

    ok = graphene.Boolean(required=True, description="True when the request was accepted.")
    message = graphene.String(required=True, description="What happens next.")

    @staticmethod
    def mutate(root, info, phone_number):
        services.otp_resend(phone_number=phone_number, client_ip=client_ip(info.context))
        return ResendOtp(ok=True, message=services.CODE_SENT_MESSAGE)


class TokenAuth(OperationMutation):
    """Sign in with username (or email) and password: a JWT access/refresh pair."""

    class Meta:
        name = "TokenAuthPayload"
        operation = ops.LOGIN

    class Arguments:
        username = graphene.String(required=True, description="Username or email.")
        password = graphene.String(required=True, description="Password.")
        code = step_up_code()

    access = graphene.String(required=True, description="Access token: `Bearer <access>`.")
    refresh = graphene.String(required=True, description="Refresh token for refreshToken.")
    user = graphene.Field(AuthUser, required=True, description="Who signed in.")

    @staticmethod
    def mutate(root, info, username, password, code=None):
        user = services.user_authenticate(
            username=username, password=password, client_ip=client_ip(info.context), code=code
        )
        return TokenAuth(**services.login_tokens(user=user))


class RefreshToken(OperationMutation):
    """Trade a refresh token for a new pair; the old refresh token dies."""

    class Meta:
        name = "RefreshTokenPayload"
        operation = ops.TOKEN_REFRESH

    class Arguments:
        refresh = graphene.String(required=True, description="The current refresh token.")

    access = graphene.String(required=True, description="New access token.")
    refresh = graphene.String(required=True, description="New refresh token.")

    @staticmethod
    def mutate(root, info, refresh):
        return RefreshToken(**services.token_refresh(refresh=refresh))


class Logout(OperationMutation):
    """Sign out: the caller's own refresh token dies, and so does the access token used."""

    class Meta:
        name = "LogoutPayload"
        operation = ops.LOGOUT

    class Arguments:
        refresh = graphene.String(required=True, description="The caller's refresh token.")

    ok = graphene.Boolean(required=True, description="True when signed out.")
    message = graphene.String(required=True, description="What happened.")

    @staticmethod
    def mutate(root, info, refresh):
        user = info.context.user
        services.token_logout(
            refresh=refresh, user=user, access=getattr(info.context, "bearer_token", None)
        )
        return Logout(ok=True, message=services.LOGGED_OUT_MESSAGE)


class ChangePassword(OperationMutation):
    """With the current password, set a new one; every earlier token stops working."""

    class Meta:
        name = "ChangePasswordPayload"
        operation = ops.PASSWORD_CHANGE

    class Arguments:
        current_password = graphene.String(required=True, description="The current password.")
        new_password = graphene.String(required=True, description="The new password.")
        code = step_up_code()

    access = graphene.String(required=True, description="New access token: `Bearer <access>`.")
    refresh = graphene.String(required=True, description="New refresh token.")
    user = graphene.Field(AuthUser, required=True, description="The account.")

    @staticmethod
    def mutate(root, info, current_password, new_password, code=None):
        user = info.context.user
        # The service names the current password by its REST field; this API's argument
        # is `currentPassword`.
        with renamed_fields(old_password="currentPassword"):
            user = services.password_change(
                user=user,
                old_password=current_password,
                new_password=new_password,
                client_ip=client_ip(info.context),
                code=code,
            )
        return ChangePassword(**services.login_tokens(user=user))


class Mutation(graphene.ObjectType):
    """Account writes."""

    register = Register.Field(description="Create an account; a code is texted to the phone.")
    verify_otp = VerifyOtp.Field(description="Verify the phone with the texted code.")
    resend_otp = ResendOtp.Field(description="Text a new code.")
    token_auth = TokenAuth.Field(description="Sign in: get an access and a refresh token.")
    refresh_token = RefreshToken.Field(description="Rotate a refresh token.")
    logout = Logout.Field(description="Sign out: revoke a refresh token and the access token.")
    change_password = ChangePassword.Field(
        description="Change the password; earlier tokens stop working, a new pair is returned."
    )
