from django.db import models


class CeilingRow(models.Model):
    """One posted body, stored as is: the least work a submission endpoint can do."""

    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Ceiling row {self.pk}"
