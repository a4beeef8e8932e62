"""The reader's report form (shape only: `community.reports.report_submit()` checks the content)."""

from __future__ import annotations

from django import forms

from community.reports import REPORT_NOTE_MAX_LENGTH
from moderation.guidelines import Guideline, guideline_list

# "Other" as a reader reads it: the guideline list's wording is the moderator's.
OTHER_LABEL = "Something else"
OTHER_TEXT = "It breaks the guidelines in another way: please say how in the note."


def report_reasons() -> list[dict[str, str]]:
    """The guidelines a reader can report a comment for, in display order: code, label and text."""
    reasons = []
    for guideline in guideline_list():
        if guideline["code"] == Guideline.OTHER:
            guideline = {**guideline, "label": OTHER_LABEL, "text": OTHER_TEXT}
        reasons.append(guideline)
    return reasons


class ReportForm(forms.Form):
    """Why the comment should be looked at (a guideline) and, optionally, a note for the moderators."""

    reason = forms.ChoiceField(
        choices=[(reason["code"], reason["label"]) for reason in report_reasons()],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the guideline the comment breaks."},
    )
    note = forms.CharField(
        required=False,
        strip=False,  # report_submit() trims it and checks its length, for the page and the API alike
        label="Note for the moderators (optional)",
        help_text=f"At most {REPORT_NOTE_MAX_LENGTH} characters. Required when you choose "
        f"\u201c{OTHER_LABEL}\u201d. Moderators read it; it is never published.",
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": REPORT_NOTE_MAX_LENGTH}),
    )


class ResolveReportsForm(forms.Form):
    """A moderator's answer to a comment's open reports (admin): uphold (reject for `reasons`) or dismiss.

    Shape only: `reports_uphold()` / `reports_dismiss()` check the rest (reasons needed to uphold,
    `other` needs a note) and their messages come back as this form's errors.
    """

    UPHOLD, DISMISS = "uphold", "dismiss"

    action = forms.ChoiceField(choices=[(UPHOLD, "Reject (uphold reports)"), (DISMISS, "Dismiss reports")])
    reasons = forms.MultipleChoiceField(
        choices=Guideline.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Guidelines the comment breaks (to reject)",
    )
    note = forms.CharField(
        required=False,
        label="Note (logged; required to reject as \u201cOther\u201d)",
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
    )
