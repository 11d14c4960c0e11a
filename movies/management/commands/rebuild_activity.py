"""`manage.py rebuild_activity`: count trending's events again from their rows.

Writes through Django keep the counts exact themselves (movies/activity.py); run this
after writing ratings, reviews, list entries, diary entries or list items outside
Django (psql, a restore, the bench's raw inserts).
"""

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from movies.activity import rebuild
from movies.models import MovieActivity


class Command(BaseCommand):
    help = "Count trending's events per (movie, hour, kind) again from the event rows."

    def handle(self, *args, **options):
        started = time.monotonic()
        with transaction.atomic():  # readers see the old counts until the new ones commit
            rebuild()
        rows = MovieActivity.objects.count()
        self.stdout.write(f"{rows} activity rows written in {time.monotonic() - started:.1f} s.")
