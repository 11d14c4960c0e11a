"""Admin of accounts: users with phone, verification and lists; OTP rows read-only."""

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError

from core.security.client import client_ip
from users import services
from users.exceptions import InvalidCredentials, TooManyAttempts
from users.models import (
    LoginFailure,
    OTPCode,
    OTPSendLog,
    PhoneAddressState,
    PhoneVerificationState,
    User,
)
from users.services.usernames import username_checked


class StaffLoginForm(AdminAuthenticationForm):
    """The admin sign-in through users.services.user_authenticate: the same failure
    counters, per-address limits and step-up as REST login and GraphQL tokenAuth."""

    code = forms.RegexField(
        regex=r"^\d{6}$",
        required=False,
        label="SMS code",
        help_text="Only when asked for: after repeated failed sign-ins, a code is texted to"
        " the account's phone.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is None or password is None:
            return self.cleaned_data
        try:
            user = services.user_authenticate(
                username=username,
                password=password,
                client_ip=client_ip(self.request),
                code=self.cleaned_data.get("code") or None,
            )
        except InvalidCredentials:
            raise self.get_invalid_login_error() from None
        except TooManyAttempts as exc:
            raise ValidationError(
                f"{exc.message} (retry in {exc.retry_after} s)", code=exc.code
            ) from None
        self.confirm_login_allowed(user)
        self.user_cache = user
        return self.cleaned_data


admin.site.login_form = StaffLoginForm


class UsernameRuleMixin:
    """The admin sets usernames with the one username rule (users.services.usernames).

    A name that is not changed is kept as it is: accounts named before the rule (with
    an "@" or a look-alike) stay editable.
    """

    def clean_username(self):
        username = self.cleaned_data.get("username")
        if self.instance.pk and username == self.instance.username:
            return username
        return username_checked(username, exclude_pk=self.instance.pk)


class UserAddForm(UsernameRuleMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User


class UserEditForm(UsernameRuleMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's user admin plus phone, verification and profile (lists/admin.py adds the lists)."""

    add_form = UserAddForm
    form = UserEditForm

    list_display = [
        "username",
        "email",
        "phone_number",
        "phone_verified_at",
        "is_active",
        "is_staff",
    ]
    list_filter = [*DjangoUserAdmin.list_filter, "phone_verified_at"]
    search_fields = ["username", "email", "phone_number"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (
            "Phone and profile",
            {"fields": ["phone_number", "phone_verified_at", "bio", "profile_picture"]},
        ),
    ]

    # One delete path for an account, whatever the door (users.services.user_delete).
    def delete_model(self, request, obj):
        services.user_delete(user=obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            services.user_delete(user=user)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Security records are written by the services only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OTPCode)
class OTPCodeAdmin(ReadOnlyAdmin):
    """Codes sent; the hash and nonce are never shown."""

    list_display = [
        "id",
        "phone_number",
        "user",
        "purpose",
        "created_at",
        "expires_at",
        "attempts",
        "used_at",
        "voided_at",
    ]
    fields = [
        "user",
        "phone_number",
        "purpose",
        "created_at",
        "expires_at",
        "attempts",
        "used_at",
        "voided_at",
    ]
    search_fields = ["phone_number", "user__username"]
    list_filter = ["purpose"]
    list_select_related = ["user"]


@admin.register(PhoneVerificationState)
class PhoneVerificationStateAdmin(ReadOnlyAdmin):
    """Failure totals per phone (the locks are per address: PhoneAddressState)."""

    list_display = ["phone_number", "failure_count", "last_failure_at", "locked_until"]
    search_fields = ["phone_number"]


@admin.register(PhoneAddressState)
class PhoneAddressStateAdmin(ReadOnlyAdmin):
    """Failed codes and locks per phone and client address (delete a row to lift a lock)."""

    list_display = ["phone_number", "client_ip", "failure_count", "last_failure_at", "locked_until"]
    search_fields = ["phone_number", "client_ip"]


@admin.register(OTPSendLog)
class OTPSendLogAdmin(ReadOnlyAdmin):
    """SMS sends, for the per-phone and per-address caps."""

    list_display = ["phone_number", "client_ip", "sent_at"]
    search_fields = ["phone_number", "client_ip"]


@admin.register(LoginFailure)
class LoginFailureAdmin(ReadOnlyAdmin):
    """Failed sign-ins, for the lockouts."""

    list_display = ["identifier", "user", "client_ip", "created_at"]
    search_fields = ["identifier", "client_ip"]
    list_select_related = ["user"]
