"""The account pages, under /account/ (settings.LOGIN_URL is the sign-in page)."""

from django.urls import path

from users.pages import views

urlpatterns = [
    path("sign-in/", views.sign_in, name="account-sign-in"),
    path("sign-out/", views.sign_out, name="account-sign-out"),
]
