"""The admin's erasure confirmation form (shape only; the service validates the reason again)."""

from django import forms

from privacy.services import REASON_MAX_LENGTH


class ErasureConfirmForm(forms.Form):
    reason = forms.CharField(
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Why (the request and its date). Kept in the audit log.",
    )
    erase_rejected_bodies = forms.BooleanField(
        required=False,
        label="Also replace the text of their rejected comments",
        help_text="Approved and pending comments keep their text either way.",
    )
