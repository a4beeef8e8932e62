"""Privacy in Django admin: the erasure action on comments (with a confirmation page), and the read-only
audit logs of erasures and retention purges. Thin: erasures go through privacy.services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.template.response import TemplateResponse

from comments.models import Comment
from community.selectors import normalised_email
from config.staff import staff_user
from privacy.forms import ErasureConfirmForm
from privacy.models import PersonalDataErasure, RetentionPurge
from privacy.services import can_erase_personal_data, comment_erase_personal_data

# One request erases at most this many commenters: an erasure is a deliberate act per request.
MAX_COMMENTERS = 20


@admin.action(description="Erase this commenter's personal data", permissions=["erase_personal_data"])
def erase_commenter_personal_data(modeladmin, request, queryset):
    """Confirmation page (reason, rejected texts) first; on "Erase" one erasure per selected commenter."""
    if not can_erase_personal_data(request.user):
        raise PermissionDenied
    if request.POST.get("select_across") == "1":
        modeladmin.message_user(
            request,
            'Select the commenters\' comments on this page; "select all" is not allowed for erasures.',
            messages.ERROR,
        )
        return None
    emails = sorted({normalised_email(e) for e in queryset.values_list("author_email", flat=True)} - {""})
    if len(emails) > MAX_COMMENTERS:
        modeladmin.message_user(
            request, f"Nothing was erased: at most {MAX_COMMENTERS} commenters at a time.", messages.ERROR
        )
        return None
    form = ErasureConfirmForm(request.POST if request.POST.get("confirm") == "yes" else None)
    if form.is_bound and form.is_valid():
        done = []
        for email in emails:
            try:
                erasure = comment_erase_personal_data(
                    comment_or_email=email,
                    actor=staff_user(request),
                    reason=form.cleaned_data["reason"],
                    erase_rejected_bodies=form.cleaned_data["erase_rejected_bodies"],
                )
            except (ValidationError, ObjectDoesNotExist) as exc:
                modeladmin.message_user(request, " ".join(getattr(exc, "messages", [str(exc)])), messages.ERROR)
                continue
            done.append(erasure)
        if done:
            modeladmin.message_user(
                request,
                f"Erased the personal data of {len(done)} commenter(s) on "
                f"{sum(e.comments_erased for e in done)} comment(s) (erasure "
                f"{', '.join(str(e.pk) for e in done)}).",
                messages.SUCCESS,
            )
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": "Erase commenters' personal data",
        "opts": modeladmin.model._meta,
        "form": form,
        "commenters": len(emails),
        "comments": queryset.count(),
        "queryset": queryset,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "action_name": "erase_commenter_personal_data",
    }
    return TemplateResponse(request, "admin/privacy/erase_confirmation.html", context)


def _has_erase_permission(request) -> bool:
    return can_erase_personal_data(request.user)


def _add_erasure_action(model_admin: admin.ModelAdmin) -> None:
    """Offer the action on the comment list registered by moderation.admin (this app sits above it)."""
    model_admin.actions = [*(model_admin.actions or []), erase_commenter_personal_data]
    # The action's allowed_permissions ("erase_personal_data") is checked through this method.
    setattr(model_admin, "has_erase_personal_data_permission", _has_erase_permission)  # noqa: B010 -- not a ModelAdmin attribute


_add_erasure_action(admin.site.get_model_admin(Comment))


class _AuditLogAdmin(admin.ModelAdmin):
    """Read-only; shown to staff who may erase personal data."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_module_permission(self, request):
        return can_erase_personal_data(request.user) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return can_erase_personal_data(request.user) or super().has_view_permission(request, obj)


@admin.register(PersonalDataErasure)
class PersonalDataErasureAdmin(_AuditLogAdmin):
    """Who erased whose data (by placeholder, never the address), when and why."""

    list_display = [
        "id",
        "started_at",
        "requested_by_name",
        "comments_erased",
        "bodies_erased",
        "articles_affected",
        "placeholder_email",
        "reason",
    ]
    search_fields = ["reason", "placeholder_email", "requested_by_username"]
    readonly_fields = (
        "started_at",
        "completed_at",
        "requested_by_name",
        "reason",
        "erase_rejected_bodies",
        "comments_erased",
        "bodies_erased",
        "articles_affected",
        "placeholder_email",
        "email_hash",
    )
    fields = readonly_fields

    @admin.display(description="Requested by")
    def requested_by_name(self, erasure: PersonalDataErasure) -> str:
        return erasure.requested_by_name


@admin.register(RetentionPurge)
class RetentionPurgeAdmin(_AuditLogAdmin):
    """Runs of the retention purge: cutoff and how many comments lost their IP address and user agent."""

    readonly_fields = ("started_at", "finished_at", "cutoff", "comments_cleared", "batches")
    list_display = fields = readonly_fields
