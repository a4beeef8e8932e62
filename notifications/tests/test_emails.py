"""Commenter emails: opt-in from the form and the API, one email per decision with the guideline wording,
a signed one-click unsubscribe, none for banned commenters, retries without double sends."""

import json
import re
from smtplib import SMTPServerDisconnected
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse

from articles.tests.factories import ArticleFactory
from comments.models import Comment
from comments.tests.factories import CommentFactory
from moderation.guidelines import GUIDELINE_TEXT, Guideline
from moderation.models import ModerationDecision
from moderation.services import comment_approve, comment_reject
from moderation.tests.factories import ModeratorFactory
from notifications import emails
from notifications.models import DecisionEmail, EmailOptOut

pytestmark = pytest.mark.django_db(transaction=True)  # emails go out when the decision commits


def submit_api(client, article, **fields):
    body = {
        "author_name": "Dana Reader",
        "author_email": "Dana@Example.org",
        "body": "The library deserves a bigger share of the budget.",
        **fields,
    }
    return client.post(
        reverse("api:article-comments", args=[article.slug]), json.dumps(body), content_type="application/json"
    )


def test_the_api_opt_in_leads_to_one_email_per_decision_with_the_guidelines_broken(client):
    article, moderator = ArticleFactory(title="Budget vote"), ModeratorFactory()
    assert submit_api(client, article, notify_author=True).status_code == 202
    comment = Comment.objects.get(article=article)
    assert comment.notify_author

    comment_reject(comment=comment, moderator=moderator, reasons=["promotion", "abuse"])

    (message,) = mail.outbox
    assert message.to == ["Dana@Example.org"]
    assert message.subject == "Your comment on “Budget vote” was not published"
    assert GUIDELINE_TEXT[Guideline.PROMOTION] in message.body and GUIDELINE_TEXT[Guideline.ABUSE] in message.body
    assert article.get_absolute_url() in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = message.alternatives[0][0]
    assert "Commercial or personal promotion" in html
    assert DecisionEmail.objects.get().status == DecisionEmail.Status.SENT

    comment_approve(comment=comment, moderator=moderator)  # a reversal is a new decision: a new email
    assert len(mail.outbox) == 2 and mail.outbox[1].subject == "Your comment on “Budget vote” was approved"


def test_the_form_checkbox_opts_in_and_no_box_means_no_email(client):
    article, moderator = ArticleFactory(), ModeratorFactory()
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'name="notify_author"' in page and "Email me when my comment is approved or rejected" in page
    client.post(
        article.get_absolute_url(),
        {
            "author_name": "Ann",
            "author_email": "ann@example.org",
            "body": "Fair point about the bridge.",
            "notify_author": "on",
        },
    )
    client.post(
        article.get_absolute_url(),
        {"author_name": "Ben", "author_email": "ben@example.org", "body": "The council should publish the figures."},
    )
    for comment in Comment.objects.filter(article=article):
        comment_approve(comment=comment, moderator=moderator)
    assert [m.to for m in mail.outbox] == [["ann@example.org"]]


def test_no_email_for_a_banned_commenters_system_rejection():
    comment = CommentFactory(notify_author=True)
    comment_reject(comment=comment, moderator=None, reasons=["banned"], note="ban 1")
    assert mail.outbox == [] and not DecisionEmail.objects.exists()


def test_a_system_rejection_for_a_banned_term_is_emailed():
    comment = CommentFactory(notify_author=True)
    comment_reject(comment=comment, moderator=None, reasons=["profanity"], note="banned term")
    assert len(mail.outbox) == 1


def unsubscribe_link(message) -> str:
    return re.search(r"http://[^\s]+/notifications/unsubscribe/[^\s/]+/", message.body).group(0)


def test_one_click_unsubscribe_stops_every_later_email_to_that_address(client):
    moderator = ModeratorFactory()
    first = CommentFactory(notify_author=True, author_email="ann@example.org")
    comment_approve(comment=first, moderator=moderator)
    link = unsubscribe_link(mail.outbox[0])
    path = link.split("8000", 1)[1]
    assert "ann" not in path and "example.org" not in path  # the address is not in the URL

    page = client.get(path)
    assert page.status_code == 200 and not EmailOptOut.objects.exists()  # a link scanner's GET changes nothing
    # What a mail client sends (RFC 8058): a POST without a CSRF token.
    from django.test import Client

    assert Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert EmailOptOut.objects.count() == 1

    later = CommentFactory(notify_author=True, author_email="ANN@example.org ")
    comment_approve(comment=later, moderator=moderator)
    assert len(mail.outbox) == 1


def test_a_forged_unsubscribe_token_is_a_404(client):
    assert client.post("/notifications/unsubscribe/not-a-token/").status_code == 404
    assert not EmailOptOut.objects.exists()


def test_a_failed_send_is_recorded_and_a_redelivered_task_sends_once():
    comment = CommentFactory(notify_author=True)
    with mock.patch.object(emails.EmailMultiAlternatives, "send", side_effect=SMTPServerDisconnected("gone")):
        comment_approve(comment=comment, moderator=ModeratorFactory())  # inline: one attempt, no 500
    record = DecisionEmail.objects.get()
    assert (record.status, record.attempts) == (DecisionEmail.Status.FAILED, 1)
    assert "SMTPServerDisconnected" in record.last_error

    assert emails.send_decision_email.apply(kwargs={"email_id": record.pk}).get() == "sent"
    assert emails.send_decision_email.apply(kwargs={"email_id": record.pk}).get() == "done"  # delivered twice
    assert len(mail.outbox) == 1


def test_an_address_erased_or_unsubscribed_before_sending_gets_nothing():
    comment = CommentFactory(notify_author=True, author_email="ann@example.org")
    decision = ModerationDecision.objects.create(
        comment=comment, verdict="approved", previous_status="pending", decided_at=comment.submitted_at
    )
    record = emails.decision_email_record(comment=comment, decision=decision)
    emails.email_unsubscribe(address_key=emails.address_key("ann@example.org"))
    assert emails.send_decision_email.apply(kwargs={"email_id": record.pk}).get() == "skipped"
    assert mail.outbox == []
