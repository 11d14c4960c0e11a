"""REST routes of accounts, under /api/users/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from users.api import lifecycle, views
from users.models import MovieListEntry

router = SimpleRouter()
router.register("profiles", views.ProfileViewSet, basename="profile")

# URL segment -> list kind (the contract's plural "favorites").
LISTS = {
    "favorites": MovieListEntry.Kind.FAVORITE,
    "watched": MovieListEntry.Kind.WATCHED,
    "watchlist": MovieListEntry.Kind.WATCHLIST,
}

urlpatterns = [
    path("register/", views.RegisterView.as_view(), name="register"),
    path("otp/verify/", views.OTPVerifyView.as_view(), name="otp-verify"),
    path("otp/resend/", views.OTPResendView.as_view(), name="otp-resend"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("token/refresh/", views.TokenRefreshView.as_view(), name="token-refresh"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("me/", views.MeView.as_view(), name="me"),
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
    path("me/export/", lifecycle.AccountExportView.as_view(), name="account-export"),
    *[
        route
        for segment, kind in LISTS.items()
        for route in (
            path(f"me/{segment}/", views.MovieListView.as_view(kind=kind), name=f"me-{segment}"),
            path(
                f"me/{segment}/<int:movie_id>/",
                views.MovieListItemView.as_view(kind=kind),
                name=f"me-{segment}-item",
            ),
        )
    ],
    *router.urls,
]
