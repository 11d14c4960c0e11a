"""The sign-in form: the movie API's username (or email) and password."""

from django import forms


class SignInForm(forms.Form):
    """Movie API credentials; checked by the movie API, never stored here."""

    username = forms.CharField(
        max_length=254,
        label="Username or email",
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
