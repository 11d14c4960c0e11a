"""`manage.py import_movies <file> [--format jsonl|csv] [--dry-run]`: upsert movies from a file."""

from django.core.management.base import BaseCommand, CommandError

from movies.import_formats import CSV_COLUMNS, FORMATS
from movies.importers import guess_format, import_file

HELP = f"""Import movies from a JSON Lines or CSV file (idempotent upsert keyed on the TMDB id,
else the IMDb id, written through the catalog services one row per transaction).

JSON Lines: one object per line in TMDB's field names: id (TMDB id), imdb_id, title,
overview, release_date (YYYY-MM-DD), genres ([{{"id", "name"}}] or ["Drama", ...]),
credits.cast ([{{"name", "character", "order"}}]).

CSV: a header row naming some of these columns (title, and tmdb_id or imdb_id, required):
    {",".join(CSV_COLUMNS)}
genres as "Drama|Crime"; cast as "Name:Character|Name:Character" in billing order.
An empty cell leaves the stored value unchanged. See data/README.md.

Rejected rows are listed on stderr with their line number and reason; the rest still
import, and the exit status stays 0 (an unreadable file is an error, status 1).
Example: python manage.py import_movies data/sample_movies.jsonl --dry-run"""


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name, subcommand, **kwargs):
        from argparse import RawDescriptionHelpFormatter

        kwargs["formatter_class"] = RawDescriptionHelpFormatter
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to a .jsonl or .csv file")
        parser.add_argument(
            "--format",
            dest="fmt",
            choices=FORMATS,
            help="file format (default: from the extension; .csv is CSV, else JSON Lines)",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="validate and report what would happen, then roll everything back",
        )

    def handle(self, *args, file, fmt, dry_run, **options):
        fmt = fmt or guess_format(file)
        try:
            report = import_file(file, fmt=fmt, dry_run=dry_run)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror or exc}") from exc
        for line, reason in report.rejected:
            self.stderr.write(f"line {line}: rejected: {reason}")
        prefix = "dry run, nothing written: would have " if dry_run else ""
        self.stdout.write(self.style.SUCCESS(f"{prefix}{report.summary()}"))
