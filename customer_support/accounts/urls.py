"""Sign-in pages."""

from django.urls import path

from . import views

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/start/", views.sign_in_start, name="sign-in-start"),
    path("oauth/callback/", views.sign_in_callback, name="sign-in-callback"),
    path("sign-out/", views.sign_out, name="sign-out"),
]
