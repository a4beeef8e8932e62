"""Signals sent by the comment services, after the transaction commits."""

from django.dispatch import Signal

# Sent with sender=Comment, comment=... once a new comment (pending, or rejected at once by the system) is stored.
comment_submitted = Signal()
