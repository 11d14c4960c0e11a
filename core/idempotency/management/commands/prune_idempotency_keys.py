"""Delete the Idempotency-Keys past their 24 h (run daily, beside prune_account_records)."""

from django.core.management.base import BaseCommand

from core.idempotency.store import idempotency_keys_prune


class Command(BaseCommand):
    help = "Delete expired Idempotency-Keys and their kept answers."

    def handle(self, *args, **options):
        deleted = idempotency_keys_prune()
        self.stdout.write(f"Deleted {deleted} expired idempotency keys.")
