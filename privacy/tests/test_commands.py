"""erase_personal_data, export_personal_data and purge_personal_data (with its progress bar)."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from comments.models import Comment
from comments.tests.factories import CommentFactory
from moderation.services import comment_reject
from moderation.tests.factories import ModeratorFactory
from privacy.models import PersonalDataErasure
from privacy.services import PLACEHOLDER_NAME

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_erase_by_email_as_the_system():
    comment = CommentFactory(author_email="Hugo@example.org")

    out, _ = run("erase_personal_data", "--email", "hugo@example.org", "--reason", "Letter of 3 Dec")

    assert "1 comment(s)" in out
    assert Comment.objects.get(pk=comment.pk).author_name == PLACEHOLDER_NAME
    assert PersonalDataErasure.objects.get().requested_by_name == "system"


def test_erase_by_comment_with_rejected_bodies():
    comment = CommentFactory(author_email="hugo@example.org", body="Bad words.")
    comment_reject(comment=comment, moderator=ModeratorFactory(), reasons=["abuse"])

    out, _ = run("erase_personal_data", "--comment", str(comment.pk), "--reason", "R", "--erase-rejected-bodies")

    assert "1 rejected text(s) replaced" in out
    assert Comment.objects.get(pk=comment.pk).body != "Bad words."


@pytest.mark.parametrize(
    "args, message",
    [
        (["--email", "nobody@example.org", "--reason", "R"], "No comments"),
        (["--comment", "999999", "--reason", "R"], "No comment 999999"),
        (["--email", "a@example.org", "--reason", "  "], "Say why"),
    ],
)
def test_erase_errors_are_command_errors(args, message):
    CommentFactory(author_email="a@example.org")
    with pytest.raises(CommandError, match=message):
        run("erase_personal_data", *args)


def test_export_prints_json_of_everything_stored(tmp_path):
    comment = CommentFactory(author_email="Ines@example.org", author_name="Ines", user_agent="Firefox")

    out, _ = run("export_personal_data", "--email", "ines@example.org")
    data = json.loads(out)
    assert data["email"] == "ines@example.org"
    assert [(c["id"], c["author_name"], c["user_agent"], c["ip_address"]) for c in data["comments"]] == [
        (comment.pk, "Ines", "Firefox", "203.0.113.7")
    ]

    target = tmp_path / "export.json"
    run("export_personal_data", "--email", "ines@example.org", "--output", str(target))
    assert json.loads(target.read_text())["comments"][0]["id"] == comment.pk


def test_purge_clears_old_rows_in_batches_with_a_progress_bar(settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 90
    old = [CommentFactory(submitted_at=timezone.now() - timedelta(days=100 + n)) for n in range(5)]
    recent = CommentFactory()

    out, err = run("purge_personal_data", "--batch-size", "2")

    assert "5 comment(s)" in out and "3 batch(es)" in out
    assert "Clearing IP/user agent" in err and "5/5" in err  # tqdm's bar on stderr
    assert not Comment.objects.filter(pk__in=[c.pk for c in old], ip_address__isnull=False).exists()
    assert Comment.objects.get(pk=recent.pk).ip_address == "203.0.113.7"


def test_purge_takes_days_from_the_command_line():
    CommentFactory(submitted_at=timezone.now() - timedelta(days=10))

    out, _ = run("purge_personal_data", "--days", "5", "--no-progress")

    assert "1 comment(s)" in out


@pytest.mark.parametrize("args", [["--days", "-1"], ["--batch-size", "0"]])
def test_purge_refuses_bad_arguments(args):
    with pytest.raises(CommandError):
        run("purge_personal_data", *args)
