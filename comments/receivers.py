"""Keep the public comments version in step with comments created or deleted as approved.

(Decisions: moderation.receivers.) The version is incremented in the same
transaction as the change, so the cached public lists (comments/cache.py) can
never outlive it. Article changes need nothing here: every read of a cached
list first finds the published article behind the slug in the database, so
unpublishing, renaming or deleting an article takes effect on the next read.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from comments.cache import bump_public_version
from comments.models import Comment


@receiver(post_save, sender=Comment, dispatch_uid="comments.version_on_approved_comment_created")
def version_on_approved_comment_created(sender, instance, created, raw=False, **kwargs) -> None:
    """A comment stored as approved at once (demo data, tests) changes the public list."""
    if created and not raw and instance.status == Comment.Status.APPROVED:
        bump_public_version(instance.article_id, approved_delta=1)


@receiver(post_delete, sender=Comment, dispatch_uid="comments.version_on_approved_comment_deleted")
def version_on_approved_comment_deleted(sender, instance, **kwargs) -> None:
    """Deleting an approved comment (superusers only) takes it off the public list at once."""
    if instance.status == Comment.Status.APPROVED:
        bump_public_version(instance.article_id, approved_delta=-1)
