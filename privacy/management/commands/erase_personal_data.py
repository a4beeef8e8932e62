"""Erase a commenter's personal data (by email address or one of their comments), as the system."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.management.base import BaseCommand, CommandError

from comments.models import Comment
from privacy.services import comment_erase_personal_data


class Command(BaseCommand):
    help = (
        "Erase a commenter's personal data on all their comments: name, email, IP address, user agent "
        "(and, with --erase-rejected-bodies, the text of their rejected comments)."
    )

    def add_arguments(self, parser):
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--email", help="the commenter's email address")
        who.add_argument("--comment", type=int, help="the id of one of the commenter's comments")
        parser.add_argument("--reason", required=True, help="why (the request and its date); kept in the audit row")
        parser.add_argument(
            "--erase-rejected-bodies",
            action="store_true",
            help="also replace the text of the commenter's rejected comments",
        )

    def handle(self, *args, email, comment, reason, erase_rejected_bodies, **options):
        target = email
        if comment is not None:
            target = Comment.objects.filter(pk=comment).first()
            if target is None:
                raise CommandError(f"No comment {comment}.")
        try:
            erasure = comment_erase_personal_data(
                comment_or_email=target, actor=None, reason=reason, erase_rejected_bodies=erase_rejected_bodies
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        except ObjectDoesNotExist as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Erasure {erasure.pk}: {erasure.comments_erased} comment(s) now carry "
            f"{erasure.placeholder_email}; {erasure.bodies_erased} rejected text(s) replaced."
        )
