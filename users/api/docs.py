"""The OpenAPI words of the account routes under /api/users/ (how they are read:
core/operation_docs.py). Keep them in step with README.md's "Users" and "Accounts
and security" sections. The profile, export and list routes, mounted by the lists app,
are in lists/api/docs.py.

The rate limit of each view's throttle scope is appended by MovieAPIAutoSchema from
settings, so no figure is repeated here.
"""

from core.operation_docs import Operation
from users import services

PUBLIC = "No token needed (a stale `Authorization` header is ignored)."
SIGNED_IN = "Needs a token: without one, or with an expired or revoked one, 401."
CURRENT_PASSWORD = (
    "A missing or wrong current password is 400 naming its field; it counts as a failed "
    "sign-in, and after repeated failures a texted `code` is needed too (429 "
    "`step_up_required`), as at login."
)
CODE_ERRORS = (
    "A wrong or expired code is 400 naming `code`; too many wrong tries kill a code, and "
    "too many failures from one address lock it out of the number for a while (429 with "
    "`Retry-After`)."
)

PHONE = "+14155550123"
ACCESS = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoiYWNjZXNzIn0.c2lnbmF0dXJl"
REFRESH = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoicmVmcmVzaCJ9.c2lnbmF0dXJl"
TOKEN_USER = {"id": 12, "username": "neo", "email": "neo@example.com"}
SIGNED_IN_PAIR = {"access": ACCESS, "refresh": REFRESH, "user": TOKEN_USER}

OPERATIONS = {
    "users_register_create": Operation(
        "Register an account",
        "Creates an inactive account and texts a 6-digit code to `phone_number` (E.164); "
        "verify it at `POST /api/users/otp/verify/` within a day, or the registration is void. "
        f"{PUBLIC} The answer is the same whether or not the number or email is already "
        "taken (the phone gets a notice instead of a code), so it tells nobody who is "
        "registered; a taken username, a weak password or passwords that differ are 400 "
        "naming the field.",
        request={
            "username": "neo",
            "email": "neo@example.com",
            "password": "correct-horse-battery",
            "password_confirm": "correct-horse-battery",
            "phone_number": PHONE,
        },
        responses={201: {"detail": services.CODE_SENT_MESSAGE}},
    ),
    "users_otp_verify_create": Operation(
        "Verify the SMS code",
        "Checks the code texted at registration: the account becomes active and is "
        f"signed in (`access`, `refresh`, `user`). {PUBLIC} {CODE_ERRORS}",
        request={"phone_number": PHONE, "code": "123456"},
        responses={200: {**SIGNED_IN_PAIR, "detail": services.VERIFIED_MESSAGE}},
    ),
    "users_otp_resend_create": Operation(
        "Send a new SMS code",
        "Texts a new code to a pending account's number; the old code stops working. "
        f"{PUBLIC} Same answer whether or not the number is pending. Sends are spaced and "
        "capped per number and per address (429 with `Retry-After`).",
    ),
    "users_login_create": Operation(
        "Sign in",
        "Signs in with `username` (or email) and `password`: a JWT pair and the user. Send "
        "the access token as `Authorization: Bearer <access>`. "
        f"{PUBLIC} An unknown user, a wrong password and an unverified account are the "
        "same 401. After repeated failures the answer is 429 `step_up_required`: send the "
        "6-digit `code` texted to the account's phone with the password.",
        request={"username": "neo", "password": "correct-horse-battery"},
        responses={200: SIGNED_IN_PAIR},
    ),
    "users_token_refresh_create": Operation(
        "Refresh the tokens",
        "Trades a refresh token for a new pair; the old refresh token is dead at once "
        f"(rotation). {PUBLIC} An expired, revoked or already used refresh token is 401.",
        request={"refresh": REFRESH},
        responses={200: {"access": ACCESS, "refresh": REFRESH}},
    ),
    "users_logout_create": Operation(
        "Sign out",
        "Blacklists the caller's own refresh token; the access token of the call stops "
        f"working at once too. {SIGNED_IN} A refresh token that is invalid, expired or "
        "another account's is 400 naming `refresh`.",
    ),
    "users_me_password_create": Operation(
        "Change the password",
        "Takes `current_password` and `new_password`: every earlier token stops working and "
        f"a new pair is returned. {SIGNED_IN} {CURRENT_PASSWORD} A weak new password is "
        "400 naming `new_password`.",
    ),
    "users_password_reset_create": Operation(
        "Ask for a password reset code",
        "Texts a reset code to the verified phone of the account named by `phone_number` "
        f"or `username` (or email). {PUBLIC} The answer is always the same, whether or "
        "not an account matches.",
    ),
    "users_password_reset_confirm_create": Operation(
        "Reset the password",
        "Sets `new_password` with the texted `code`; every earlier token stops working. "
        f"{PUBLIC} {CODE_ERRORS}",
    ),
    "users_me_phone_create": Operation(
        "Start a phone number change",
        "With the current `password`, texts a code to the new `phone_number`; the "
        f"account keeps its old number until `POST /api/users/me/phone/confirm/`. {SIGNED_IN} "
        f"{CURRENT_PASSWORD}",
    ),
    "users_me_phone_confirm_create": Operation(
        "Confirm the new phone number",
        "Checks the code sent to the new number: the number changes now and the old "
        f"number gets an SMS notice. {SIGNED_IN} {CODE_ERRORS}",
    ),
    "users_me_email_create": Operation(
        "Change the email",
        "With the current `password`, changes the email at once: no verification step "
        f"follows (the service sends no email). {SIGNED_IN} {CURRENT_PASSWORD} A taken "
        "address is 400 naming `email`.",
    ),
    "users_me_delete_create": Operation(
        "Delete the account",
        "With the current `password`, deletes the account with its reviews, lists and "
        "tokens; the ratings of the movies it reviewed are recomputed. "
        f"{SIGNED_IN} {CURRENT_PASSWORD}",
    ),
}
