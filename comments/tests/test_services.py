from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.utils import timezone

from articles.tests.factories import ArticleFactory
from comments.models import Comment
from comments.services import CommentsClosed, body_fingerprint, comment_submit, flags_value
from moderation.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CLEAN_BODY = "The library funding deserves more debate before the council votes."


def submit(article=None, **overrides):
    data = {
        "article": article or ArticleFactory(),
        "author_name": "Dana Reader",
        "author_email": "dana@example.org",
        "body": CLEAN_BODY,
        "ip_address": "203.0.113.9",
        "user_agent": "Mozilla/5.0 (test)",
    }
    data.update(overrides)
    return comment_submit(**data)


def field_errors(**overrides):
    with pytest.raises(ValidationError) as excinfo:
        submit(**overrides)
    assert Comment.objects.count() == 0
    return excinfo.value.message_dict


# --- storing -------------------------------------------------------------------


def test_submit_stores_pending_comment_with_request_details():
    article = ArticleFactory()
    before = timezone.now()

    comment = submit(article)

    stored = Comment.objects.get(pk=comment.pk)
    assert stored.status == Comment.Status.PENDING
    assert stored.article == article
    assert (stored.author_name, stored.author_email, stored.body) == (
        "Dana Reader",
        "dana@example.org",
        CLEAN_BODY,
    )
    assert stored.ip_address == "203.0.113.9"
    assert stored.user_agent == "Mozilla/5.0 (test)"
    assert stored.decided_at is None
    assert before <= stored.submitted_at <= timezone.now()
    assert stored.fingerprint == body_fingerprint(CLEAN_BODY)


def test_profane_comment_is_stored_pending_with_findings_and_flag():
    comment = submit(body="this is bullshit")

    stored = Comment.objects.get(pk=comment.pk)
    assert stored.status == Comment.Status.PENDING
    assert "profanity" in stored.flags
    assert "profanity" in stored.flag_list
    assert stored.findings["findings"]
    assert "profanity" in stored.findings["categories"]
    assert stored.priority > 0


def test_stored_flags_and_priority_match_stored_findings():
    comment = Comment.objects.get(pk=submit(body="this is bullshit").pk)

    assert comment.flags == flags_value(comment.findings["categories"])
    assert comment.priority == pytest.approx(comment.findings["priority"])


def test_clean_comment_is_not_flagged_as_profanity():
    comment = Comment.objects.get(pk=submit().pk)

    assert "profanity" not in comment.flag_list
    assert comment.flags == flags_value(comment.findings.get("categories", []))


def test_surrounding_whitespace_is_stripped_but_inner_text_kept():
    comment = submit(
        body="  \n\tFirst line.\n\n  Second   line.  \n ",
        author_name="  Dana   Reader ",
        author_email="  dana@example.org ",
    )

    stored = Comment.objects.get(pk=comment.pk)
    assert stored.body == "First line.\n\n  Second   line."
    assert stored.author_name == "Dana Reader"
    assert stored.author_email == "dana@example.org"


def test_anonymous_user_is_stored_as_none():
    comment = submit(user=AnonymousUser())

    assert Comment.objects.get(pk=comment.pk).user_id is None


def test_authenticated_user_is_stored():
    user = UserFactory()

    comment = submit(user=user)

    assert Comment.objects.get(pk=comment.pk).user == user


@pytest.mark.parametrize("ip", [None, ""])
def test_missing_ip_is_stored_as_none(ip):
    comment = submit(ip_address=ip)

    assert Comment.objects.get(pk=comment.pk).ip_address is None


def test_long_user_agent_is_truncated_to_field_length():
    comment = submit(user_agent="A" * 1000)

    stored = Comment.objects.get(pk=comment.pk).user_agent
    assert stored == "A" * Comment._meta.get_field("user_agent").max_length


# --- validation ----------------------------------------------------------------


@pytest.mark.parametrize("body", ["", "   ", " \n\t\r\n  "])
def test_blank_or_whitespace_only_body_is_rejected(body):
    errors = field_errors(body=body)

    assert list(errors) == ["body"]


def test_body_over_configured_max_length_is_rejected(settings):
    settings.COMMENT_MAX_LENGTH = 20

    errors = field_errors(body="x" * 21)

    assert list(errors) == ["body"]
    assert "20" in errors["body"][0]


def test_body_at_configured_max_length_is_accepted(settings):
    settings.COMMENT_MAX_LENGTH = 20

    comment = submit(body="x" * 20)

    assert Comment.objects.get(pk=comment.pk).body == "x" * 20


def test_body_length_is_measured_after_stripping(settings):
    settings.COMMENT_MAX_LENGTH = 20

    comment = submit(body="   " + "x" * 20 + "\n\n")

    assert Comment.objects.get(pk=comment.pk).body == "x" * 20


def test_default_max_length_is_5000(settings):
    assert settings.COMMENT_MAX_LENGTH == 5000


def test_body_of_5000_characters_is_accepted():
    body = ("word " * 1000)[:4999] + "x"
    assert len(body) == 5000

    comment = submit(body=body)

    assert len(Comment.objects.get(pk=comment.pk).body) == 5000


def test_body_of_5001_characters_is_rejected():
    body = ("word " * 1001)[:5000] + "x"
    assert len(body) == 5001

    errors = field_errors(body=body)

    assert list(errors) == ["body"]


def test_name_of_80_characters_is_accepted():
    comment = submit(author_name="n" * 80)

    assert Comment.objects.get(pk=comment.pk).author_name == "n" * 80


def test_name_over_80_characters_is_rejected():
    errors = field_errors(author_name="n" * 81)

    assert list(errors) == ["author_name"]


@pytest.mark.parametrize("name", ["", "   "])
def test_missing_name_is_rejected(name):
    assert list(field_errors(author_name=name)) == ["author_name"]


@pytest.mark.parametrize(
    "email",
    ["", "   ", "not-an-email", "dana@", "@example.org", "dana at example.org", "da na@example.org"],
)
def test_bad_email_is_rejected(email):
    assert list(field_errors(author_email=email)) == ["author_email"]


def test_email_longer_than_the_stored_field_is_rejected():
    # Passes the email syntax check (which allows up to 320 characters) but the
    # column holds 254: the service must refuse it, not leave it to the database.
    email = "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".org"
    assert 254 < len(email) <= 320

    assert list(field_errors(author_email=email)) == ["author_email"]


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x08", "\x1b", "\x7f"])
@pytest.mark.parametrize("field", ["author_name", "body"])
def test_control_characters_are_rejected_with_field_error(field, char):
    value = f"Dana{char}Reader" if field == "author_name" else f"Good point{char} about roads."

    errors = field_errors(**{field: value})

    assert list(errors) == [field]


@pytest.mark.parametrize("char", ["\x00", "\x07"])
def test_control_characters_in_email_are_rejected_with_field_error(char):
    assert list(field_errors(author_email=f"dana{char}@example.org")) == ["author_email"]


def test_tabs_and_newlines_inside_body_are_allowed():
    comment = submit(body="Point one.\r\n\tPoint two.\nPoint three.")

    assert Comment.objects.get(pk=comment.pk).body == "Point one.\r\n\tPoint two.\nPoint three."


def test_validation_error_carries_a_message_per_field():
    errors = field_errors(author_name="", author_email="nope", body="  ")

    assert set(errors) == {"author_name", "author_email", "body"}
    assert all(isinstance(messages, list) and messages for messages in errors.values())


# --- closed articles -------------------------------------------------------------


def test_switched_off_article_raises_comments_closed():
    article = ArticleFactory(comments_open=False)

    with pytest.raises(CommentsClosed):
        submit(article)

    assert Comment.objects.count() == 0


def test_passed_close_date_raises_comments_closed():
    article = ArticleFactory(comments_close_at=timezone.now() - timedelta(seconds=1))

    with pytest.raises(CommentsClosed):
        submit(article)

    assert Comment.objects.count() == 0


def test_future_close_date_still_accepts_comments():
    article = ArticleFactory(comments_close_at=timezone.now() + timedelta(hours=1))

    comment = submit(article)

    assert Comment.objects.filter(pk=comment.pk).exists()


# --- fingerprint -----------------------------------------------------------------


def test_fingerprint_ignores_case_spacing_and_punctuation():
    assert body_fingerprint("Buy cheap watches now") == body_fingerprint("  BUY   cheap\nWatches, now!!! ")


def test_fingerprint_differs_for_different_text():
    assert body_fingerprint("Buy cheap watches now") != body_fingerprint("Buy cheap clocks now")


def test_same_text_posted_twice_gets_the_same_stored_fingerprint():
    article = ArticleFactory()
    first = submit(article, body="Great point about the library.")
    second = submit(article, body="GREAT point   about the library")

    assert first.fingerprint == second.fingerprint
    assert Comment.objects.filter(fingerprint=first.fingerprint).count() == 2
