"""Signals sent by the moderation services, after the transaction commits."""

from django.dispatch import Signal

# Sent with sender=Comment, comment=..., decision=... once a decision is committed.
comment_decided = Signal()
