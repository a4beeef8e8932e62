import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from articles.models import Article
from comments.models import Comment
from moderation.management.commands.load_demo import DEMO_PASSWORD, DEMO_USERNAME
from moderation.models import ModerationDecision
from moderation.services import can_moderate

pytestmark = pytest.mark.django_db


def test_load_demo_is_idempotent_and_prints_a_working_moderator_login(capsys):
    call_command("load_demo")
    counts = (Article.objects.count(), Comment.objects.count(), ModerationDecision.objects.count())
    call_command("load_demo")
    output = capsys.readouterr().out

    assert (Article.objects.count(), Comment.objects.count(), ModerationDecision.objects.count()) == counts
    assert DEMO_USERNAME in output and DEMO_PASSWORD in output
    assert can_moderate(authenticate(username=DEMO_USERNAME, password=DEMO_PASSWORD))
    seed = Article.objects.get(slug="drones-target-us-base-in-syrias-hasaka")
    assert (seed.title, seed.source, seed.published_at.date().isoformat()) == (
        "Drones target US base in Syria’s Hasaka: Monitor",
        "Rudaw",
        "2023-10-29",
    )
    statuses = set(Comment.objects.values_list("status", flat=True))
    assert statuses == {"pending", "approved"}
