"""`manage.py settle_trending`: move trending's sums to the hour that has begun."""

from django.core.management.base import BaseCommand

from discovery.trending import settle_windows


class Command(BaseCommand):
    help = (
        "Move trending's decayed sums to the current hour, so that no request of the hour "
        "pays for it (run it at the start of every hour: docs/operate/systemd.md)."
    )

    def handle(self, *args, **options):
        lows = settle_windows()
        self.stdout.write(", ".join(f"{window} from hour {low}" for window, low in lows.items()))
