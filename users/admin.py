"""Admin of accounts: users with phone, verification and lists; OTP rows read-only."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from users import services
from users.models import (
    LoginFailure,
    MovieListEntry,
    OTPCode,
    OTPSendLog,
    PhoneVerificationState,
    User,
)


class MovieListEntryInline(admin.TabularInline):
    """A user's favorites, watched and watchlist entries."""

    model = MovieListEntry
    extra = 0
    raw_id_fields = ["movie"]
    readonly_fields = ["added_at"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's user admin plus phone, verification, profile and lists."""

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
    inlines = [MovieListEntryInline]

    # Deleting a user deletes their reviews: go through the service so the movies'
    # ratings are recomputed in the same transaction.
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
    """Failure counters and locks per phone (staff may delete a row to lift a lock)."""

    list_display = ["phone_number", "failure_count", "last_failure_at", "locked_until"]
    search_fields = ["phone_number"]


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
