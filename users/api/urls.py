"""REST routes of accounts, under /api/users/.

The profile (me/, profiles/), the export and the movie lists are mounted under the same
prefix by lists/api/urls.py, since their bodies include the lists.
"""

from django.urls import path

from users.api import lifecycle, views

urlpatterns = [
    path("register/", views.RegisterView.as_view(), name="register"),
    path("otp/verify/", views.OTPVerifyView.as_view(), name="otp-verify"),
    path("otp/resend/", views.OTPResendView.as_view(), name="otp-resend"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("token/refresh/", views.TokenRefreshView.as_view(), name="token-refresh"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("me/password/", views.PasswordChangeView.as_view(), name="password-change"),
    # An account's lifetime (users/api/lifecycle.py).
    path("password/reset/", lifecycle.PasswordResetView.as_view(), name="password-reset"),
    path(
        "password/reset/confirm/",
        lifecycle.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("me/phone/", lifecycle.PhoneChangeView.as_view(), name="phone-change"),
    path(
        "me/phone/confirm/",
        lifecycle.PhoneChangeConfirmView.as_view(),
        name="phone-change-confirm",
    ),
    path("me/email/", lifecycle.EmailChangeView.as_view(), name="email-change"),
    path("me/delete/", lifecycle.AccountDeleteView.as_view(), name="account-delete"),
]
