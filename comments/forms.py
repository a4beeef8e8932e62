"""The reader's comment form (shape only; comment_submit() validates the content)."""

from django import forms
from django.conf import settings


class CommentForm(forms.Form):
    """Post a comment: name, email and the comment, all required; a decision email if asked for."""

    author_name = forms.CharField(label="Name", max_length=settings.COMMENT_AUTHOR_NAME_MAX_LENGTH)
    author_email = forms.EmailField(label="Email", max_length=254, help_text="Never shown to other readers.")
    body = forms.CharField(
        label="Comment",
        max_length=settings.COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    notify_author = forms.BooleanField(
        label="Email me when my comment is approved or rejected",
        required=False,
        help_text="One email per decision, with a link to stop them.",
    )
