"""`manage.py prune_activity`: delete trending's counts that no ranking reads again."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from movies.activity import KEPT_HOURS, prune


class Command(BaseCommand):
    help = (
        f"Delete trending's counts older than {KEPT_HOURS} hours and those at zero "
        "(run it daily: docs/operate/systemd.md)."
    )

    def handle(self, *args, **options):
        rows = prune(timezone.now())
        self.stdout.write(f"{rows} activity rows deleted.")
