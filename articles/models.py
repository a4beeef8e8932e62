"""The Article: what readers comment on."""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.urls import reverse
from django.utils import timezone


class Article(models.Model):
    """A published news article."""

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    source = models.CharField(max_length=120, help_text="Publisher or wire service, e.g. Rudaw.")
    published_at = models.DateTimeField(default=timezone.now, db_index=True)
    body = models.TextField()
    canonical_url = models.URLField(max_length=500, blank=True)
    comments_open = models.BooleanField(default=True)
    comments_close_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Optional: no new comments are accepted after this time.",
    )

    class Meta:
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("comments:article-detail", kwargs={"slug": self.slug})

    def accepts_comments(self, at: datetime | None = None) -> bool:
        """Open for comments now (or at `at`): the switch is on and the close date has not passed."""
        if not self.comments_open:
            return False
        if self.comments_close_at is None:
            return True
        return (at or timezone.now()) < self.comments_close_at
