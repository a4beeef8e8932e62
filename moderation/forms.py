"""The decision form behind the Approve / Reject buttons on a comment's admin page."""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from comments.models import Comment
from moderation.guidelines import Guideline
from moderation.models import ModerationDecision
from moderation.services import comment_approve, comment_reject


class DecisionForm(forms.Form):
    """Approve, or reject for one or more guidelines; `expected_status` is what the page showed."""

    APPROVE, REJECT = "approve", "reject"

    decision = forms.ChoiceField(choices=[(APPROVE, "Approve"), (REJECT, "Reject")])
    reasons = forms.MultipleChoiceField(choices=Guideline.choices, required=False, widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 60}))
    expected_status = forms.ChoiceField(choices=Comment.Status.choices, widget=forms.HiddenInput)

    def save(self, comment: Comment, moderator: User) -> ModerationDecision | None:
        """Decide through the services; rule errors become form errors and nothing is written.

        AlreadyDecided and PermissionDenied propagate to the caller.
        """
        data = self.cleaned_data
        common = {
            "comment": comment,
            "moderator": moderator,
            "note": data["note"],
            "expected_status": data["expected_status"],
        }
        try:
            if data["decision"] == self.APPROVE:
                return comment_approve(**common)
            return comment_reject(reasons=data["reasons"], **common)
        except ValidationError as exc:
            self.add_error(None, exc)
            return None
