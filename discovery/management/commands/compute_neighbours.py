"""`manage.py compute_neighbours`: rewrite the recommendations' neighbours table."""

import time

from django.core.management.base import BaseCommand

from discovery.neighbours import neighbours_compute


class Command(BaseCommand):
    help = (
        "Recompute the item-to-item neighbours of every movie from everyone's high ratings "
        "and favorites (run it hourly: README.md, 'Discovery')."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        rows = neighbours_compute()
        seconds = time.monotonic() - started
        self.stdout.write(f"{rows} neighbours written in {seconds:.1f} s.")
