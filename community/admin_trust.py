"""Admin for trust: the read-only "Trust changes" log, and the trust controls on a comment's page.

The controls post to this log's `change-trust/` view, which calls trust_grant() / trust_revoke() and
goes back to the comment's page with a message. They are buttons with `formaction` inside the comment
page's own form (Django's change form wraps the panels, and a nested <form> would be dropped by the
browser), so their fields carry a `trust_` prefix of their own.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from comments.models import Comment
from community.models import TrustChange
from community.trust import NOTE_MAX_LENGTH, NoTrustChange, trust_grant, trust_revoke, trust_state, trust_suggestion
from config.staff import staff_user
from moderation.services import can_moderate

CHANGE_TRUST_URL_NAME = "community_trustchange_change_trust"


class TrustChangeForm(forms.Form):
    """The panel's buttons: which comment's author, trusted or not, and a note."""

    trust_comment = forms.IntegerField(min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
    trust_trusted = forms.TypedChoiceField(
        choices=[("true", "Mark trusted"), ("false", "Remove trust")], coerce=lambda value: value == "true"
    )
    trust_note = forms.CharField(max_length=NOTE_MAX_LENGTH, required=False, strip=True)


def trust_panel_context(request: HttpRequest, comment: Comment) -> dict:
    """Extra context for the trust controls on a comment's admin page (templates/admin/community/_commenter_trust.html).
    Two queries: the address's latest trust change, and its approved / rejected counts."""
    state = trust_state(email=comment.author_email)
    return {
        "trust": state,
        "trust_suggestion": trust_suggestion(email=state.email, trusted=state.trusted),
        "trust_change_url": reverse(f"admin:{CHANGE_TRUST_URL_NAME}"),
        "trust_comment_id": comment.pk,
        "trust_next": request.get_full_path(),
        "trust_note_max_length": NOTE_MAX_LENGTH,
    }


@admin.register(TrustChange)
class TrustChangeAdmin(admin.ModelAdmin):
    """The trust log: read-only, append-only; it names commenters' addresses, so moderators only."""

    list_display = ["changed_at", "email", "trusted", "changed_by_username", "note"]
    list_filter = ["trusted", "changed_at"]
    search_fields = ["email"]
    ordering = ["-changed_at", "-id"]
    show_facets = admin.ShowFacets.NEVER  # no COUNT per filter choice over the whole log
    readonly_fields = ("email", "trusted", "note", "changed_by_username", "changed_at")
    fields = readonly_fields

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_moderate(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return can_moderate(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # rows come only from trust_grant() / trust_revoke()

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_changelist(self, request, **kwargs):
        # Imported here: moderation.admin imports this module (through community.admin_panels).
        from moderation.admin import SafeChangeList

        return SafeChangeList  # filter values the database would refuse end in "invalid filter", not a 500

    def get_urls(self):
        view = self.admin_site.admin_view(self.change_trust_view)
        return [path("change-trust/", view, name=CHANGE_TRUST_URL_NAME)] + super().get_urls()

    def change_trust_view(self, request: HttpRequest):
        """POST from a comment page's trust buttons: change trust through the services, then go back."""
        if not can_moderate(request.user):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        form = TrustChangeForm(request.POST)
        if not form.is_valid():
            self.message_user(request, _form_errors(form), messages.ERROR)
            return HttpResponseRedirect(self._back(request, None))
        comment = get_object_or_404(Comment.objects.only("pk", "author_email"), pk=form.cleaned_data["trust_comment"])
        back = self._back(request, comment)
        change_trust = trust_grant if form.cleaned_data["trust_trusted"] else trust_revoke
        try:
            change = change_trust(
                email=comment.author_email, actor=staff_user(request), note=form.cleaned_data["trust_note"]
            )
        except NoTrustChange as exc:
            self.message_user(request, f"{exc} Nothing was changed.", messages.WARNING)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        else:
            done = (
                "is now trusted: their comments are still moderated, lower in the queue"
                if change.trusted
                else "is no longer trusted"
            )
            self.message_user(request, f"{change.email} {done}.", messages.SUCCESS)
        return HttpResponseRedirect(back)

    def _back(self, request: HttpRequest, comment: Comment | None) -> str:
        """The page the moderator came from (same site only), else the comment's page, else the log."""
        next_url = request.POST.get("trust_next", "")
        if next_url and url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return next_url
        if comment is not None:
            return reverse("admin:comments_comment_change", args=[comment.pk])
        return reverse("admin:community_trustchange_changelist")


def _form_errors(form: forms.Form) -> str:
    labels = {"trust_comment": "Comment", "trust_trusted": "Trust", "trust_note": "Note"}
    return " ".join(
        f"{labels.get(name, name)}: {message}" for name, errors in form.errors.items() for message in errors
    )
