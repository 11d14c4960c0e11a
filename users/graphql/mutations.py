"""Account mutations: sign-up, OTP, tokens and the password, through users.services.

The OTP and sign-in mutations get the same per-address throttles as their REST views
(same scopes, rates and counters) on top of the database-backed limits inside the
services. They declare `@service_transactions` (the view must not roll back the
failure counters those services write before raising) and `@reads_no_credentials`
(a stale Bearer header must not block signing in).
"""

import graphene

from movie_api.graphql.arguments import provided
from movie_api.graphql.auth import require_user
from movie_api.graphql.errors import renamed_fields
from movie_api.graphql.policy import rate_limited, reads_no_credentials, service_transactions
from movie_api.graphql.rates import check_throttle
from movie_api.security.client import client_ip
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


@service_transactions
@reads_no_credentials
@rate_limited("register")
class Register(graphene.Mutation):
    """Create an inactive account and text it a code (then call verifyOtp)."""

    class Meta:
        name = "RegisterPayload"

    class Arguments:
        input = RegisterInput(required=True, description="The account's details.")

    ok = graphene.Boolean(required=True, description="True when the request was accepted.")
    message = graphene.String(required=True, description="What happens next.")

    @staticmethod
    def mutate(root, info, input):
        check_throttle(info, "register")
        services.user_register(**provided(input), client_ip=client_ip(info.context))
        return Register(ok=True, message=services.CODE_SENT_MESSAGE)


@service_transactions
@reads_no_credentials
@rate_limited("otp_verify")
class VerifyOtp(graphene.Mutation):
    """Check the code texted to a phone; the account becomes active and is signed in."""

    class Meta:
        name = "VerifyOtpPayload"

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
        check_throttle(info, "otp_verify")
        result = services.otp_verify_sign_in(
            phone_number=phone_number, code=code, client_ip=client_ip(info.context)
        )
        return VerifyOtp(ok=True, message=result.pop("detail"), **result)


@service_transactions
@reads_no_credentials
@rate_limited("otp_resend")
class ResendOtp(graphene.Mutation):
    """Text a new code to a pending account's phone (the old code dies)."""

    class Meta:
        name = "ResendOtpPayload"

    class Arguments:
        phone_number = graphene.String(required=True, description="The phone number, E.164.")

    ok = graphene.Boolean(required=True, description="True when the request was accepted.")
    message = graphene.String(required=True, description="What happens next.")

    @staticmethod
    def mutate(root, info, phone_number):
        check_throttle(info, "otp_resend")
        services.otp_resend(phone_number=phone_number, client_ip=client_ip(info.context))
        return ResendOtp(ok=True, message=services.CODE_SENT_MESSAGE)


@service_transactions
@reads_no_credentials
@rate_limited("login")
class TokenAuth(graphene.Mutation):
    """Sign in with username (or email) and password: a JWT access/refresh pair."""

    class Meta:
        name = "TokenAuthPayload"

    class Arguments:
        username = graphene.String(required=True, description="Username or email.")
        password = graphene.String(required=True, description="Password.")
        code = step_up_code()

    access = graphene.String(required=True, description="Access token: `Bearer <access>`.")
    refresh = graphene.String(required=True, description="Refresh token for refreshToken.")
    user = graphene.Field(AuthUser, required=True, description="Who signed in.")

    @staticmethod
    def mutate(root, info, username, password, code=None):
        check_throttle(info, "login")
        user = services.user_authenticate(
            username=username, password=password, client_ip=client_ip(info.context), code=code
        )
        return TokenAuth(**services.login_tokens(user=user))


@service_transactions
@reads_no_credentials
@rate_limited("token_refresh")
class RefreshToken(graphene.Mutation):
    """Trade a refresh token for a new pair; the old refresh token dies."""

    class Meta:
        name = "RefreshTokenPayload"

    class Arguments:
        refresh = graphene.String(required=True, description="The current refresh token.")

    access = graphene.String(required=True, description="New access token.")
    refresh = graphene.String(required=True, description="New refresh token.")

    @staticmethod
    def mutate(root, info, refresh):
        check_throttle(info, "token_refresh")
        return RefreshToken(**services.token_refresh(refresh=refresh))


@rate_limited("token_refresh")
class Logout(graphene.Mutation):
    """Sign out: the caller's own refresh token dies, and so does the access token used."""

    class Meta:
        name = "LogoutPayload"

    class Arguments:
        refresh = graphene.String(required=True, description="The caller's refresh token.")

    ok = graphene.Boolean(required=True, description="True when signed out.")
    message = graphene.String(required=True, description="What happened.")

    @staticmethod
    def mutate(root, info, refresh):
        user = require_user(info)
        check_throttle(info, "token_refresh")
        services.token_logout(
            refresh=refresh, user=user, access=getattr(info.context, "bearer_token", None)
        )
        return Logout(ok=True, message=services.LOGGED_OUT_MESSAGE)


@service_transactions
class ChangePassword(graphene.Mutation):
    """With the current password, set a new one; every earlier token stops working."""

    class Meta:
        name = "ChangePasswordPayload"

    class Arguments:
        current_password = graphene.String(required=True, description="The current password.")
        new_password = graphene.String(required=True, description="The new password.")
        code = step_up_code()

    access = graphene.String(required=True, description="New access token: `Bearer <access>`.")
    refresh = graphene.String(required=True, description="New refresh token.")
    user = graphene.Field(AuthUser, required=True, description="The account.")

    @staticmethod
    def mutate(root, info, current_password, new_password, code=None):
        user = require_user(info)
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
