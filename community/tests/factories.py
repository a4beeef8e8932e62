"""Factories for the community models (bans, trust, reports). Each concern appends its own."""

import factory
from django.utils import timezone

from comments.models import Comment
from comments.tests.factories import CommentFactory
from community.models import ReaderReport, Sanction, TrustChange
from moderation.tests.factories import ModeratorFactory


class SanctionFactory(factory.django.DjangoModelFactory):
    """A ban in force on an email address, written directly (tests of the services call sanction_create())."""

    class Meta:
        model = Sanction

    kind = Sanction.Kind.EMAIL
    value = factory.Sequence(lambda n: f"banned{n}@example.org")
    reasons = factory.LazyFunction(lambda: ["abuse"])
    created_by = factory.SubFactory(ModeratorFactory)
    created_at = factory.LazyFunction(timezone.now)


class ReaderReportFactory(factory.django.DjangoModelFactory):
    """An open reader report on an approved comment, written directly (tests of the service call report_submit())."""

    class Meta:
        model = ReaderReport

    comment = factory.SubFactory(CommentFactory, status=Comment.Status.APPROVED)
    reason = "abuse"
    note = ""
    reporter_key = factory.Sequence(lambda n: f"{n:064x}")
    created_at = factory.LazyFunction(timezone.now)


class TrustChangeFactory(factory.django.DjangoModelFactory):
    """A trust change (trusted by default), written directly (tests of the services call trust_grant())."""

    class Meta:
        model = TrustChange

    email = factory.Sequence(lambda n: f"regular{n}@example.org")
    trusted = True
    note = ""
    changed_by = factory.SubFactory(ModeratorFactory)
    changed_at = factory.LazyFunction(timezone.now)
