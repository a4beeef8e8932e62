"""Side effects of moderation signals: a decision that changes what is public retires the cached lists,
and a guideline term change reaches every process's checks on its next comment."""
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from articles.models import Article
from comments.models import Comment
from comments.receivers import invalidate_public_comments
from moderation import screening
from moderation.models import GuidelineTerm
from moderation.signals import comment_decided


@receiver(comment_decided, dispatch_uid="moderation.invalidate_public_comments_on_decision")
def invalidate_on_decision(sender, comment, decision, **kwargs) -> None:
    """Sent after the decision committed: an approval, or un-approving, changes the public list."""
    approved = Comment.Status.APPROVED
    if decision.verdict != approved and decision.previous_status != approved:
        return  # pending -> rejected: nothing public changed
    if Comment.article.is_cached(comment):
        slug = comment.article.slug
    else:
        slug = Article.objects.filter(pk=comment.article_id).values_list("slug", flat=True).first()
    if slug:
        invalidate_public_comments(slug)


@receiver(post_save, sender=GuidelineTerm, dispatch_uid="moderation.publish_term_change_on_save")
@receiver(post_delete, sender=GuidelineTerm, dispatch_uid="moderation.publish_term_change_on_delete")
def publish_term_change(sender, instance, **kwargs) -> None:
    """This process re-reads the table at once; the others once the change commits (shared version token)."""
    screening.forget_local_terms()
    transaction.on_commit(screening.bump_terms_version)
