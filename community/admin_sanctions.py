"""Admin for bans: the "Bans" list (filter, search, add, read, lift) and "Ban this commenter" on a comment's page.

Thin: every write is community.sanctions' service (which checks comments.moderate_comment itself); a ban is
never edited or deleted here, only added and lifted. Every page needs comments.moderate_comment: a ban names
email and IP addresses.
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme

from comments.models import Comment
from community.models import Sanction
from community.sanctions import (
    NOTE_MAX_LENGTH,
    VALUE_MAX_LENGTH,
    SanctionExists,
    SanctionNotInForce,
    State,
    ban_targets,
    bans_covering,
    sanction_create,
    sanction_create_from_comment,
    sanction_lift,
    sanction_state,
    state_filter,
)
from config.staff import staff_user
from moderation.guidelines import Guideline
from moderation.services import can_moderate

GUIDELINE_LABELS = dict(Guideline.choices)
PERMANENT = "permanent"
# The panel's fields share the comment page's form (see _commenter_ban.html): their names start with "ban-".
BAN_PREFIX = "ban"
DURATIONS = [("1", "1 day"), ("7", "7 days"), ("30", "30 days"), (PERMANENT, "Until lifted")]


def reasons_text(codes: list[str]) -> str:
    return ", ".join(GUIDELINE_LABELS.get(code, code) for code in codes or []) or "—"


# --- Forms (shape only: the service validates and normalises) --------------------------------------------


class _BanFields(forms.Form):
    reasons = forms.MultipleChoiceField(
        choices=Guideline.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Guidelines broken",
    )
    note = forms.CharField(
        required=False,
        max_length=NOTE_MAX_LENGTH,
        label="Note",
        help_text="Required when no guideline is chosen, or for “Other”.",
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
    )
    duration = forms.ChoiceField(choices=DURATIONS, initial="30", label="For how long")

    # Service field names -> the form field that shows their messages.
    FIELD_FOR = {"reasons": "reasons", "note": "note", "expires_at": "duration"}

    def expires_at(self):
        days = self.cleaned_data["duration"]
        return None if days == PERMANENT else timezone.now() + timedelta(days=int(days))

    def add_service_errors(self, exc: ValidationError) -> None:
        for name, errors in exc.message_dict.items():
            field = self.FIELD_FOR.get(name, name)
            self.add_error(field if field in self.fields else None, errors)


class SanctionAddForm(_BanFields):
    """The Bans page's add form: any value of any kind."""

    field_order = ["kind", "value", "reasons", "note", "duration"]
    kind = forms.ChoiceField(choices=Sanction.Kind.choices, label="Ban")
    value = forms.CharField(
        max_length=VALUE_MAX_LENGTH,
        label="Value",
        help_text="An email address; a domain such as example.org (covers its sub-domains); or an IP address "
        "or CIDR range such as 203.0.113.0/24 (no broader than IPv4 /16 or IPv6 /32).",
    )
    FIELD_FOR = {**_BanFields.FIELD_FOR, "kind": "kind", "value": "value"}


class CommentBanForm(_BanFields):
    """ "Ban this commenter" on a comment's page: by its email, its domain or its IP address."""

    field_order = ["target", "reasons", "note", "duration"]
    target = forms.ChoiceField(widget=forms.RadioSelect, label="Ban by")
    next = forms.CharField(required=False, widget=forms.HiddenInput)
    FIELD_FOR = {**_BanFields.FIELD_FOR, "target": "target"}

    def __init__(self, *args, comment: Comment, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        target = self.fields["target"]
        assert isinstance(target, forms.ChoiceField)  # declared above
        target.choices = [
            (choice.target, f"{choice.label}: {choice.value}")
            for choice in ban_targets(comment=comment)
            if choice.value
        ]
        target.initial = Sanction.Kind.EMAIL


class LiftForm(forms.Form):
    note = forms.CharField(required=False, max_length=NOTE_MAX_LENGTH, label="Why lift it (optional)")


# --- The comment page's panel ------------------------------------------------------------------------------


def ban_panel_context(request: HttpRequest, comment: Comment) -> dict:
    """Extra context for the ban controls on a comment's admin page (templates/admin/community/_commenter_ban.html)."""
    if not can_moderate(request.user):
        return {}
    covering = bans_covering(comment=comment)
    return {
        "ban_covering": [
            {
                "ban": ban,
                "reasons": reasons_text(ban.reasons),
                "url": reverse("admin:community_sanction_change", args=[ban.pk]),
            }
            for ban in covering
        ],
        "ban_form": CommentBanForm(comment=comment, initial={"next": request.get_full_path()}, prefix=BAN_PREFIX),
        "ban_url": reverse("admin:community_sanction_ban_comment", args=[comment.pk]),
        "bans_url": reverse("admin:community_sanction_changelist"),
    }


# --- The Bans pages --------------------------------------------------------------------------------------


class StateFilter(admin.SimpleListFilter):
    """Active, lifted or expired, as of this request."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return State.choices

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(state_filter(value)) if value in dict(State.choices) else queryset


@admin.register(Sanction)
class SanctionAdmin(admin.ModelAdmin):
    """Bans: listed, searched, added and lifted; never changed or deleted."""

    list_display = [
        "id",
        "kind",
        "value",
        "reasons_shown",
        "created_by_username",
        "created_at",
        "expires_at",
        "state_shown",
    ]
    list_display_links = ["id", "value"]
    list_filter = ["kind", StateFilter]
    list_select_related = ["lift"]
    search_fields = ["value"]
    ordering = ["-created_at", "-id"]
    show_facets = admin.ShowFacets.NEVER
    readonly_fields = (
        "kind",
        "value",
        "reasons_shown",
        "note",
        "source_comment",
        "created_by_username",
        "created_at",
        "expires_at",
        "state_shown",
        "lift_shown",
    )
    fields = readonly_fields
    change_form_template = "admin/community/sanction_change_form.html"

    def get_changelist(self, request, **kwargs):
        # Imported here: moderation.admin imports this module (through community.admin_panels).
        from moderation.admin import SafeChangeList

        return SafeChangeList

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_moderate(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return can_moderate(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can_moderate(request.user)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("lift")

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path("<int:object_id>/lift/", self.admin_site.admin_view(self.lift_view), name="%s_%s_lift" % info),
            path(
                "ban-comment/<int:comment_id>/",
                self.admin_site.admin_view(self.ban_comment_view),
                name="%s_%s_ban_comment" % info,
            ),
        ] + super().get_urls()

    @admin.display(description="Reasons")
    def reasons_shown(self, sanction: Sanction) -> str:
        return reasons_text(sanction.reasons)

    @admin.display(description="State")
    def state_shown(self, sanction: Sanction) -> str:
        return dict(State.choices)[sanction_state(sanction)]

    @admin.display(description="Banned from comment")
    def source_comment(self, sanction: Sanction):
        if sanction.comment_id is None:
            return "—"
        url = reverse("admin:comments_comment_change", args=[sanction.comment_id])
        return format_html('<a href="{}">Comment {}</a>', url, sanction.comment_id)

    @admin.display(description="Lifted")
    def lift_shown(self, sanction: Sanction) -> str:
        lift = getattr(sanction, "lift", None)
        if lift is None:
            return "—"
        when = timezone.localtime(lift.lifted_at).strftime("%Y-%m-%d %H:%M")
        return f"{when} by {lift.lifted_by_username}" + (f": {lift.note}" if lift.note else "")

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"title": "Bans", **(extra_context or {})})

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context=None):
        """The add form calls sanction_create(); it never builds a model instance from the form."""
        if not can_moderate(request.user):
            raise PermissionDenied
        form = SanctionAddForm(request.POST if request.method == "POST" else None)
        status = 200
        if request.method == "POST":
            if form.is_valid():
                data = form.cleaned_data
                try:
                    sanction = sanction_create(
                        actor=staff_user(request),
                        kind=data["kind"],
                        value=data["value"],
                        reasons=data["reasons"],
                        note=data["note"],
                        expires_at=form.expires_at(),
                    )
                except ValidationError as exc:
                    form.add_service_errors(exc)
                except SanctionExists as exc:
                    form.add_error(None, f"{exc} Nothing was saved.")
                else:
                    self.message_user(request, f"{sanction} is in force.", messages.SUCCESS)
                    return HttpResponseRedirect(reverse("admin:community_sanction_change", args=[sanction.pk]))
            status = 400
        context = {
            **self.admin_site.each_context(request),
            "title": "Add a ban",
            "opts": self.opts,
            "form": form,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/community/sanction_add.html", context, status=status)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = dict(extra_context or {})
        if object_id.isdigit() and can_moderate(request.user):
            sanction = self.get_object(request, object_id)
            if sanction is not None and sanction_state(sanction) == State.ACTIVE:
                context["lift_form"] = LiftForm()
                context["lift_url"] = reverse("admin:community_sanction_lift", args=[sanction.pk])
        return super().change_view(request, object_id, form_url, context)

    def lift_view(self, request: HttpRequest, object_id: int):
        """POST from "Lift this ban": sanction_lift(), then back to the ban with a message."""
        if not can_moderate(request.user):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        sanction = get_object_or_404(Sanction.objects.select_related("created_by"), pk=object_id)
        form = LiftForm(request.POST)
        if not form.is_valid():
            self.message_user(request, " ".join(str(m) for ms in form.errors.values() for m in ms), messages.ERROR)
        else:
            try:
                sanction_lift(sanction=sanction, actor=staff_user(request), note=form.cleaned_data["note"])
            except (SanctionNotInForce, ValidationError) as exc:
                text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                self.message_user(request, f"{text} Nothing was saved.", messages.ERROR)
            else:
                self.message_user(request, f"{sanction} was lifted: it no longer applies.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:community_sanction_change", args=[sanction.pk]))

    def ban_comment_view(self, request: HttpRequest, comment_id: int):
        """POST from "Ban this commenter" on a comment's page: sanction_create_from_comment(), then back."""
        if not can_moderate(request.user):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        comment = get_object_or_404(Comment.objects.defer("findings"), pk=comment_id)
        form = CommentBanForm(request.POST, comment=comment, prefix=BAN_PREFIX)
        back = self._back_url(request, form["next"].value(), comment)
        if not form.is_valid():
            self.message_user(request, "Nothing was banned: " + _form_errors_text(form), messages.ERROR)
            return HttpResponseRedirect(back)
        data = form.cleaned_data
        try:
            sanction = sanction_create_from_comment(
                actor=staff_user(request),
                comment=comment,
                target=data["target"],
                reasons=data["reasons"],
                note=data["note"],
                expires_at=form.expires_at(),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
            self.message_user(request, "Nothing was banned: " + _form_errors_text(form), messages.ERROR)
        except SanctionExists as exc:
            self.message_user(request, f"{exc} Nothing was saved.", messages.WARNING)
        else:
            until = (
                "until lifted"
                if sanction.expires_at is None
                else f"until {timezone.localtime(sanction.expires_at).strftime('%Y-%m-%d %H:%M')}"
            )
            self.message_user(
                request,
                f"{sanction} is in force {until}. This comment and the commenter's other pending comments "
                "still wait for your decision.",
                messages.SUCCESS,
            )
        return HttpResponseRedirect(back)

    @staticmethod
    def _back_url(request: HttpRequest, wanted: str | None, comment: Comment) -> str:
        """The comment's page the moderator came from (only a local URL), else the comment's own page."""
        if (
            wanted
            and url_has_allowed_host_and_scheme(
                wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            )
            and wanted.startswith(reverse("admin:index"))
        ):
            return wanted
        return reverse("admin:comments_comment_change", args=[comment.pk])


def _form_errors_text(form: forms.Form) -> str:
    labels = {name: field.label or name for name, field in form.fields.items()}
    parts = []
    for name, errors in form.errors.items():
        prefix = "" if name == NON_FIELD_ERRORS else f"{labels.get(name, name)}: "
        parts.append(prefix + " ".join(str(error) for error in errors))  # messages (str) as the list gives them
    return "; ".join(parts)
