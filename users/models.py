"""Accounts: the custom user model, one-time codes and the sign-in counters."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class User(AbstractUser):
    """A person with an account; inactive until the phone number is verified."""

    email = models.EmailField("email address")
    # E.164 (e.g. +14155550123). Null, not "", so staff created without a phone
    # do not collide on the unique constraint.
    phone_number = models.CharField(max_length=16, unique=True, null=True, blank=True)
    phone_verified_at = models.DateTimeField(null=True, blank=True)
    bio = models.TextField(blank=True, max_length=2000)
    profile_picture = models.ImageField(upload_to="profiles/", blank=True)

    objects = UserManager()

    REQUIRED_FIELDS = ["email"]

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
        ]


class OTPCode(models.Model):
    """A one-time code sent by SMS; only its keyed hash is stored, never the digits."""

    class Purpose(models.TextChoices):
        # A code is accepted only by the step it was sent for: a registration code can
        # never reset a password, and the reverse.
        REGISTRATION = "registration", "Registration"
        PASSWORD_RESET = "password_reset", "Password reset"
        PHONE_CHANGE = "phone_change", "Phone number change"
        # The sign-in step-up of an account under attack (users.services.user_authenticate).
        SIGN_IN = "sign_in", "Sign-in step-up"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="otp_codes")
    phone_number = models.CharField(max_length=16)
    purpose = models.CharField(max_length=16, choices=Purpose.choices, default=Purpose.REGISTRATION)
    # Random per code and part of the HMAC input, so equal digits never hash alike.
    nonce = models.CharField(max_length=32)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    # Set when a newer code replaces this one: a new code voids the old one.
    voided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["phone_number", "-created_at"])]
        verbose_name = "OTP code"

    def __str__(self):
        return f"OTP {self.pk} for {self.phone_number}"


class PhoneVerificationState(models.Model):
    """Per-phone row every send and check of the number locks; its failure total
    survives resends and only a success clears it. Locks are per address
    (PhoneAddressState); `locked_until` is kept for records made before that."""

    phone_number = models.CharField(max_length=16, unique=True)
    failure_count = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.phone_number}: {self.failure_count} failures"


class PhoneAddressState(models.Model):
    """Failed codes for one phone from one client address, and that pair's lock.

    The lock is per address so that an attacker without the phone can lock only
    themselves out of a number, never its owner (guessing stays bounded by the 5
    tries per code and the per-phone send caps).
    """

    phone_number = models.CharField(max_length=16)
    client_ip = models.CharField(max_length=64)
    failure_count = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["phone_number", "client_ip"], name="phone_address_state_unique"
            ),
        ]

    def __str__(self):
        return f"{self.phone_number} from {self.client_ip}: {self.failure_count} failures"


class OTPSendLog(models.Model):
    """One SMS send (or a send we pretended to make), for the per-phone and per-address caps."""

    phone_number = models.CharField(max_length=16)
    client_ip = models.CharField(max_length=64)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["phone_number", "sent_at"]),
            models.Index(fields=["client_ip", "sent_at"]),
        ]

    def __str__(self):
        return f"SMS to {self.phone_number} at {self.sent_at:%Y-%m-%d %H:%M:%S}"


class LoginFailure(models.Model):
    """A failed sign-in, counted per address+identifier and per account for lockouts."""

    # The lower-cased username or email as typed, so unknown names are limited too.
    identifier = models.CharField(max_length=254)
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="login_failures"
    )
    client_ip = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["identifier", "created_at"]),
            models.Index(fields=["user", "created_at"]),
        ]

    def __str__(self):
        return f"login failure {self.identifier} from {self.client_ip}"
