"""Delete account security records that no limit looks at any more (run daily from cron)."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from users.models import (
    LoginFailure,
    OTPCode,
    OTPSendLog,
    PhoneAddressState,
    PhoneVerificationState,
    User,
)
from users.services.pending import expired_pending


class Command(BaseCommand):
    """Prune send logs > 1 day, login failures > 1 hour, finished codes > 1 day, idle
    counters, and registrations left unverified past PENDING_ACCOUNT_TTL_SECONDS."""

    help = (
        "Delete OTP send logs, login failures, codes and phone counters no limit needs,"
        " and expired pending registrations."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        day_ago = now - timedelta(days=1)
        window = timedelta(
            seconds=max(settings.OTP_FAILURE_WINDOW_SECONDS, settings.OTP_LOCK_SECONDS)
        )
        counts = {
            # Their names were already free (users/services/pending.py); this removes them.
            "expired pending accounts": User.objects.filter(expired_pending(now))
            .delete()[1]
            .get("users.User", 0),
            "send logs": OTPSendLog.objects.filter(sent_at__lt=day_ago).delete()[0],
            "login failures": LoginFailure.objects.filter(
                created_at__lt=now - timedelta(hours=1)
            ).delete()[0],
            "codes": OTPCode.objects.filter(expires_at__lt=day_ago).delete()[0],
            "phone counters": PhoneVerificationState.objects.filter(
                Q(last_failure_at__isnull=True) | Q(last_failure_at__lt=now - window),
                Q(locked_until__isnull=True) | Q(locked_until__lt=now),
            ).delete()[0],
            "phone+address counters": PhoneAddressState.objects.filter(
                Q(last_failure_at__isnull=True) | Q(last_failure_at__lt=now - window),
                Q(locked_until__isnull=True) | Q(locked_until__lt=now),
            ).delete()[0],
        }
        self.stdout.write(", ".join(f"{name}: {n} deleted" for name, n in counts.items()))
