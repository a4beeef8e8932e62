"""Print (or write) everything stored about one email address as JSON, for an access request."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from privacy.selectors import personal_data_export


class Command(BaseCommand):
    help = "Export everything stored about one email address (comments, decisions, bans, trust) as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="the address (compared trimmed, case-insensitively)")
        parser.add_argument("--output", help="write to this file instead of standard output")

    def handle(self, *args, email, output, **options):
        if not email.strip():
            raise CommandError("--email must not be blank")
        text = json.dumps(personal_data_export(email=email), indent=2, ensure_ascii=False)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
            self.stdout.write(f"Written to {output}.")
        else:
            self.stdout.write(text)
