"""Side effects of moderation writes: a decision that changes what is public moves the article's public
comments version in its own transaction, and a guideline term change reaches every process's checks on
its next comment."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from comments.cache import bump_public_version
from comments.models import Comment
from config.metrics import DECISIONS
from moderation import screening
from moderation.models import GuidelineTerm, ModerationDecision
from moderation.signals import comment_decided


@receiver(post_save, sender=ModerationDecision, dispatch_uid="moderation.version_public_comments_on_decision")
def version_public_comments_on_decision(sender, instance, created, raw=False, **kwargs) -> None:
    """An approval, or un-approving, changes the public list: count it in the decision's transaction.

    Every status change appends its decision row inside the transaction that changes the
    status (moderation.services._decide), so the new version commits with the decision or not
    at all: a cached list from before it is never served afterwards, and there is no separate
    cache invalidation that could be lost (comments/cache.py).
    """
    if not created or raw:
        return
    approved = Comment.Status.APPROVED
    if instance.verdict != approved and instance.previous_status != approved:
        return  # pending -> rejected: nothing public changed
    if ModerationDecision.comment.is_cached(instance):
        article_id = instance.comment.article_id
    else:
        article_id = Comment.objects.filter(pk=instance.comment_id).values_list("article_id", flat=True).first()
    if article_id is not None:
        became_public = instance.verdict == approved and instance.previous_status != approved
        stopped = instance.previous_status == approved and instance.verdict != approved
        bump_public_version(article_id, approved_delta=int(became_public) - int(stopped))


@receiver(comment_decided, dispatch_uid="moderation.count_decision")
def count_decision(sender, comment, decision, **kwargs) -> None:
    """Decisions per verdict, by a moderator or the system (config/metrics.py), once committed."""
    DECISIONS.labels(decision.verdict, "system" if decision.moderator_id is None else "moderator").inc()


@receiver(post_save, sender=GuidelineTerm, dispatch_uid="moderation.publish_term_change_on_save")
@receiver(post_delete, sender=GuidelineTerm, dispatch_uid="moderation.publish_term_change_on_delete")
def publish_term_change(sender, instance, **kwargs) -> None:
    """This process re-reads the table at once; the others once the change commits (shared version token)."""
    screening.forget_local_terms()
    transaction.on_commit(screening.bump_terms_version)
