"""The sign-in form: shape only; users.services.user_authenticate decides."""

from django import forms

from users.services.codes import CODE_RE

CODE_FORMAT_MESSAGE = "Enter the 6 digits of the code texted to the account's phone."


class SignInForm(forms.Form):
    """Username (or email), password, and the texted code when a step-up asks for it."""

    username = forms.CharField(
        max_length=254,
        label="Username or email",
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    # No length rule here: the service refuses a password longer than any it accepts.
    password = forms.CharField(
        strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    code = forms.RegexField(
        regex=CODE_RE,
        required=False,
        label="SMS code",
        help_text="The 6 digits texted to the account's phone.",
        error_messages={"invalid": CODE_FORMAT_MESSAGE},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": r"\d{6}",
                "maxlength": "6",
            }
        ),
    )
