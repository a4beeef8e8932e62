"""Signals sent by the community services, after the transaction commits (hooks for webhooks and mail)."""

from django.dispatch import Signal

# Sent with sender=ReportResolution, resolution=..., comment=..., reports=<number of reports it closed>
# once a moderator's uphold or dismissal is committed.
reports_resolved = Signal()

# Sent with sender=TrustChange, change=<the TrustChange> once a moderator's trust grant or removal is committed.
trust_changed = Signal()
