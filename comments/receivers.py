"""Keep the public comment cache in step with article changes (decisions: moderation.receivers)."""
import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from articles.models import Article
from comments.cache import bump_article_version

logger = logging.getLogger(__name__)


def invalidate_public_comments(slug: str) -> None:
    """Retire the cached public lists of one article; a cache error is logged, never raised."""
    try:
        bump_article_version(slug)
    except Exception:  # the change is committed; a cache error must not surface as its failure
        logger.exception("could not invalidate the public comments of article %s", slug)


@receiver(pre_save, sender=Article, dispatch_uid="comments.remember_article_slug")
def remember_article_slug(sender, instance, **kwargs) -> None:
    # A changed slug must also retire the lists cached under the old one.
    instance._slug_before_save = (
        Article.objects.filter(pk=instance.pk).values_list("slug", flat=True).first() if instance.pk else None
    )


@receiver(post_save, sender=Article, dispatch_uid="comments.invalidate_on_article_save")
@receiver(post_delete, sender=Article, dispatch_uid="comments.invalidate_on_article_delete")
def invalidate_on_article_change(sender, instance, **kwargs) -> None:
    """Unpublished, closed, renamed or deleted: cached lists of the article must not outlive it."""
    slugs = {instance.slug, getattr(instance, "_slug_before_save", None)} - {None}

    def bump() -> None:
        for slug in slugs:
            invalidate_public_comments(slug)

    transaction.on_commit(bump)
