"""`manage.py cache_bump`: a new response-cache generation (every stored answer dies).

Writes through Django bump it themselves; run this after writing to the catalog
outside Django (psql, a restore, another program).
"""

from django.core.management.base import BaseCommand, CommandError

from core.caching import generation


class Command(BaseCommand):
    help = "Invalidate every cached anonymous answer (after writes made outside Django)."

    def handle(self, *args, **options):
        if not generation.bump():
            raise CommandError(
                "The security store (the generation) is unreachable: nothing was invalidated."
            )
        value = generation.counter_store().get(generation.GENERATION_KEY)
        self.stdout.write(f"Response cache generation is now {value}.")
