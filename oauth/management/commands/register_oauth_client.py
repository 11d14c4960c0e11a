"""`python manage.py register_oauth_client`: create or update one OAuth client (idempotent).

For demo data, tests and compose; staff register real clients in the admin. See
docs/oauth.md, "Register an app".
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from oauth.services import GRANT_TYPES, application_register


class Command(BaseCommand):
    help = "Create or update an OAuth client (confidential, authorization code + PKCE by default)."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="Shown to users on the consent page.")
        parser.add_argument("--client-id", required=True)
        parser.add_argument(
            "--client-secret", default="", help="Required unless --public; stored hashed."
        )
        parser.add_argument(
            "--redirect-uri",
            action="append",
            default=[],
            dest="redirect_uris",
            help="Exact callback URL; repeat for several.",
        )
        parser.add_argument(
            "--public",
            action="store_true",
            help="A client that cannot keep a secret (mobile, single-page, CLI, TV).",
        )
        parser.add_argument(
            "--grant",
            choices=sorted(GRANT_TYPES),
            default="authorization-code",
            help="authorization-code (web and mobile apps) or device-code (TVs, CLIs).",
        )

    def handle(self, *args, **options):
        try:
            result = application_register(
                name=options["name"],
                client_id=options["client_id"],
                client_secret=options["client_secret"],
                redirect_uris=options["redirect_uris"],
                public=options["public"],
                grant=options["grant"],
            )
        except ValidationError as exc:
            problems = "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items()
            )
            raise CommandError(f"Client not registered. {problems}") from None
        verb = "Created" if result.created else ("Updated" if result.changed else "Unchanged")
        self.stdout.write(f"{verb} OAuth client {result.application.client_id!r}.")
