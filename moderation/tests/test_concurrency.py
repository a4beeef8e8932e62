"""Real concurrent decisions on PostgreSQL: each thread has its own connection."""
import threading

import pytest
from django.db import connection

from comments.models import Comment
from comments.tests.factories import CommentFactory
from moderation.models import ModerationDecision
from moderation.services import AlreadyDecided, comment_approve, comment_reject
from moderation.tests.factories import ModeratorFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 25


def test_two_moderators_deciding_at_once_record_exactly_one_decision():
    moderators = [ModeratorFactory(username="first"), ModeratorFactory(username="second")]
    for _ in range(ROUNDS):
        comment_id = CommentFactory().pk
        barrier = threading.Barrier(2)
        outcomes = []

        def decide(moderator, approve):
            try:
                seen = Comment.objects.get(pk=comment_id)  # what this moderator saw
                barrier.wait()
                if approve:
                    comment_approve(comment=seen, moderator=moderator)
                else:
                    comment_reject(comment=seen, moderator=moderator, reasons=["threat"])
                outcomes.append(("won", moderator.username))
            except AlreadyDecided as exc:
                outcomes.append(("lost", exc.decided_by))
            finally:
                connection.close()

        threads = [
            threading.Thread(target=decide, args=(moderators[0], True)),
            threading.Thread(target=decide, args=(moderators[1], False)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        decisions = list(ModerationDecision.objects.filter(comment_id=comment_id))
        assert len(decisions) == 1
        winner = decisions[0].moderator.username
        assert sorted(outcomes) == [("lost", winner), ("won", winner)]
        assert Comment.objects.get(pk=comment_id).status == decisions[0].verdict
