"""Bans (sanctions): creating and lifting them, and reading them back for the admin and the API.

The writes are `sanction_create()`, `sanction_create_from_comment()` and `sanction_lift()`: each checks
`comments.moderate_comment`, writes its one row (the Sanction or the SanctionLift *is* the audit record:
who, when, why) and sends its signal once the transaction commits. Nothing is edited or deleted.

What a ban's value may be, decided here once for the admin, the API and scripts:

- email: a valid address (Django's validator), trimmed and in lower case.
- domain: a host name with at least one dot ("example.org", "mail.example.org"), in lower case, a leading
  "@" and trailing dots dropped. A bare top-level domain ("com") is refused as far too broad; a ban on a
  domain covers its sub-domains too (community.standing matches parent domains). Public suffixes such as
  "co.uk" are not known here: a moderator can ban one, and must lift it if that was a mistake.
- ip: one address or a CIDR range, stored in CIDR form ("203.0.113.7/32", "2001:db8::/48"; host bits are
  dropped). Ranges broader than an IPv4 /16 or an IPv6 /32 are refused: they would ban whole providers.
  An IPv4-mapped IPv6 range (::ffff:a.b.c.d/n) is stored as the IPv4 range it is, so the /16 limit holds.

One active ban per kind and value: a second one is refused with SanctionExists. Two moderators banning the
same value at the same moment are serialised by a transaction-level lock on that kind and value
(PostgreSQL advisory lock; SQLite's IMMEDIATE transactions hold the write lock from BEGIN), so the second
sees the first's ban and is refused.

Banning changes no comment: the banned commenter's pending comments stay in the queue for a moderator to
decide, and their new ones are stored and rejected by the system at submission (moderation.screening).
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User  # the staff account type (annotations)
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connections, router, transaction
from django.db.models import Q, QuerySet
from django.dispatch import Signal
from django.utils import timezone

from comments.models import Comment
from community.models import Sanction, SanctionLift, ip_key
from community.standing import active_sanctions, email_domains, normalised_email, sanctions_matching
from moderation.guidelines import Guideline
from moderation.services import can_moderate

logger = logging.getLogger(__name__)

# Sent after the creating or lifting transaction commits (for notifications and the like).
sanction_created = Signal()  # sanction=
sanction_lifted = Signal()  # sanction=, lift=

IPV4_MIN_PREFIX = 16
IPV6_MIN_PREFIX = 32
VALUE_MAX_LENGTH: int = Sanction._meta.get_field("value").max_length or 254
NOTE_MAX_LENGTH = 2000
_IPV4_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")


class State:
    """Where a ban stands: in force, lifted by a moderator, or past its expiry."""

    ACTIVE, LIFTED, EXPIRED = "active", "lifted", "expired"
    choices = [(ACTIVE, "Active"), (LIFTED, "Lifted"), (EXPIRED, "Expired")]


class SanctionExists(Exception):
    """An active ban on the same kind and value exists already; nothing was written."""

    def __init__(self, existing: Sanction) -> None:
        self.existing = existing
        super().__init__(f"{existing} is already in force (ban {existing.pk}, by {existing.created_by_username}).")


class SanctionNotInForce(Exception):
    """The ban is no longer in force, so there is nothing to lift; nothing was written."""

    code = "not_in_force"

    def __init__(self, sanction: Sanction, message: str) -> None:
        self.sanction = sanction
        super().__init__(message)


class SanctionAlreadyLifted(SanctionNotInForce):
    """Someone lifted the ban first."""

    code = "already_lifted"

    def __init__(self, sanction: Sanction, lift: SanctionLift | None) -> None:
        self.lift = lift
        who = f" by {lift.lifted_by_username}" if lift is not None else ""
        super().__init__(sanction, f"Ban {sanction.pk} was already lifted{who}.")


class SanctionExpired(SanctionNotInForce):
    """The ban expired by itself."""

    code = "already_expired"

    def __init__(self, sanction: Sanction) -> None:
        when = timezone.localtime(sanction.expires_at).strftime("%Y-%m-%d %H:%M")
        super().__init__(sanction, f"Ban {sanction.pk} expired on {when}; it no longer applies.")


# --- Writes ---------------------------------------------------------------------------------------------


def sanction_create(
    *,
    actor: User,
    kind: str,
    value: str,
    reasons: list[str],
    note: str = "",
    expires_at: datetime | None = None,
    comment: Comment | None = None,
) -> Sanction:
    """Ban an email address, an email domain, or an IP address or range (see the module docstring).

    `reasons` are guideline codes; they may be empty only when `note` says why. Raises PermissionDenied
    without comments.moderate_comment, ValidationError (per-field messages) on bad input, SanctionExists
    when an active ban on the same kind and value exists.
    """
    if not can_moderate(actor):
        raise PermissionDenied("You do not have permission to ban commenters.")
    note = (note or "").strip()
    errors: dict[str, list[str]] = {}
    normalised = ""
    try:
        normalised, ip_first, ip_last = normalised_value(kind=kind, value=value)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        reasons = _clean_reasons(reasons, note)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if len(note) > NOTE_MAX_LENGTH:
        errors.setdefault("note", []).append(f"Keep the note to {NOTE_MAX_LENGTH} characters.")
    if expires_at is not None:
        if timezone.is_naive(expires_at):
            errors.setdefault("expires_at", []).append("Give the expiry with its time zone.")
        elif expires_at <= timezone.now():
            errors.setdefault("expires_at", []).append("The expiry must be in the future.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _lock_value(kind, normalised)
        # The time is taken once the lock is held, so a ban that waited for another is never earlier.
        now = timezone.now()
        existing = active_sanctions(now=now).filter(kind=kind, value=normalised).select_related("created_by").first()
        if existing is not None:
            raise SanctionExists(existing)
        sanction = Sanction.objects.create(
            kind=kind,
            value=normalised,
            ip_first=ip_first,
            ip_last=ip_last,
            reasons=reasons,
            note=note,
            comment=comment,
            created_by=actor,
            created_at=now,
            expires_at=expires_at,
        )
        logger.info("ban %s on %s created by %s", sanction.pk, kind, actor.get_username())
        transaction.on_commit(lambda: sanction_created.send(sender=Sanction, sanction=sanction))
    return sanction


def sanction_create_from_comment(
    *,
    actor: User,
    comment: Comment,
    target: str,
    reasons: list[str],
    note: str = "",
    expires_at: datetime | None = None,
) -> Sanction:
    """Ban the comment's author by `target`: its email address, its email domain or its IP address.

    The value comes from the comment, never from the moderator; the comment is kept as the ban's source.
    The comment itself and the author's other comments are left as they are.
    """
    if not can_moderate(actor):
        raise PermissionDenied("You do not have permission to ban commenters.")
    kind, value = ban_value_from_comment(comment=comment, target=target)
    return sanction_create(
        actor=actor, kind=kind, value=value, reasons=reasons, note=note, expires_at=expires_at, comment=comment
    )


def sanction_lift(*, sanction: Sanction, actor: User, note: str = "") -> SanctionLift:
    """Lift a ban in force: one SanctionLift row. Raises PermissionDenied, SanctionAlreadyLifted (someone
    lifted it first) or SanctionExpired (it no longer applies anyway)."""
    if not can_moderate(actor):
        raise PermissionDenied("You do not have permission to lift bans.")
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError({"note": [f"Keep the note to {NOTE_MAX_LENGTH} characters."]})
    with transaction.atomic():
        # The ban's row lock makes a second lifter wait, then see the first one's lift.
        Sanction.objects.select_for_update().filter(pk=sanction.pk).values_list("pk").first()
        now = timezone.now()
        earlier = SanctionLift.objects.filter(sanction_id=sanction.pk).select_related("lifted_by").first()
        if earlier is not None:
            raise SanctionAlreadyLifted(sanction, earlier)
        if sanction.expires_at is not None and sanction.expires_at <= now:
            raise SanctionExpired(sanction)
        try:
            with transaction.atomic():  # the one-to-one is the last word if the lock was not enough
                lift = SanctionLift.objects.create(sanction=sanction, lifted_by=actor, lifted_at=now, note=note)
        except IntegrityError as exc:
            raise SanctionAlreadyLifted(sanction, None) from exc
        logger.info("ban %s lifted by %s", sanction.pk, actor.get_username())
        transaction.on_commit(lambda: sanction_lifted.send(sender=Sanction, sanction=sanction, lift=lift))
    return lift


def _lock_value(kind: str, value: str) -> None:
    """Hold a lock on (kind, value) until the transaction ends, so bans on one value are made one at a time."""
    connection = connections[router.db_for_write(Sanction)]
    if connection.vendor != "postgresql":
        return  # SQLite: the IMMEDIATE transaction already holds the database's write lock
    digest = hashlib.blake2b(f"community.sanction:{kind}:{value}".encode(), digest_size=8).digest()
    key = int.from_bytes(digest, "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


# --- Validation -----------------------------------------------------------------------------------------


def _clean_reasons(reasons: list[str] | None, note: str) -> list[str]:
    codes = sorted(set(reasons or []))
    unknown = [code for code in codes if code not in Guideline.values]
    if unknown:
        raise ValidationError({"reasons": [f"Unknown guideline code: {', '.join(unknown)}."]})
    if not codes and not note:
        raise ValidationError({"reasons": ["Choose at least one guideline, or explain the ban in the note."]})
    if Guideline.OTHER in codes and not note:
        raise ValidationError({"note": ["Explain the reason when banning for 'other'."]})
    return codes


def normalised_value(*, kind: str, value: str) -> tuple[str, str, str]:
    """The stored value for a ban of `kind`, and for IP ranges the ip_key of its first and last address.

    Raises ValidationError({"kind" | "value": [...]}).
    """
    value = (value or "").strip()
    if kind not in Sanction.Kind.values:
        raise ValidationError({"kind": [f"Choose one of: {', '.join(Sanction.Kind.values)}."]})
    if not value:
        raise ValidationError({"value": ["Give the address, domain or IP address to ban."]})
    if "\x00" in value:
        raise ValidationError({"value": ["The value contains a NUL character."]})
    if kind == Sanction.Kind.EMAIL:
        return _normalised_email(value), "", ""
    if kind == Sanction.Kind.DOMAIN:
        return _normalised_domain(value), "", ""
    return _normalised_network(value)


def _normalised_email(value: str) -> str:
    email = normalised_email(value)
    if len(email) > VALUE_MAX_LENGTH:
        raise ValidationError({"value": [f"An email address has at most {VALUE_MAX_LENGTH} characters."]})
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"value": ["Enter a valid email address."]}) from None
    return email


def _normalised_domain(value: str) -> str:
    domain = value.lower().removeprefix("@").strip(".")
    if len(domain) > VALUE_MAX_LENGTH:
        raise ValidationError({"value": [f"A domain has at most {VALUE_MAX_LENGTH} characters."]})
    try:
        # The domain part of an address Django accepts: the same rule the comment form applies.
        validate_email(f"ban@{domain}")
    except ValidationError:
        raise ValidationError({"value": ["Enter a domain name such as example.org (no address, no spaces)."]}) from None
    if "." not in domain:
        raise ValidationError(
            {"value": ["A top-level domain alone is too broad to ban: give a domain such as example.org."]}
        )
    if domain.startswith("[") or _is_ip_literal(domain):
        raise ValidationError({"value": ["That is an IP address: ban it as an IP address."]})
    return domain


def _is_ip_literal(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _normalised_network(value: str) -> tuple[str, str, str]:
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise ValidationError({"value": ["Enter an IP address or a CIDR range such as 203.0.113.0/24."]}) from None
    if isinstance(network, ipaddress.IPv6Network) and network.subnet_of(_IPV4_MAPPED):
        network = ipaddress.IPv4Network((int(network.network_address) & 0xFFFFFFFF, network.prefixlen - 96))
    if isinstance(network, ipaddress.IPv4Network) and network.prefixlen < IPV4_MIN_PREFIX:
        raise ValidationError({"value": [f"An IPv4 range may be at most a /{IPV4_MIN_PREFIX}: this one is too broad."]})
    if isinstance(network, ipaddress.IPv6Network) and network.prefixlen < IPV6_MIN_PREFIX:
        raise ValidationError({"value": [f"An IPv6 range may be at most a /{IPV6_MIN_PREFIX}: this one is too broad."]})
    return network.with_prefixlen, ip_key(network.network_address), ip_key(network.broadcast_address)


def ban_value_from_comment(*, comment: Comment, target: str) -> tuple[str, str]:
    """The (kind, value) that bans the comment's author by `target` ("email", "domain" or "ip")."""
    if target == Sanction.Kind.EMAIL:
        return Sanction.Kind.EMAIL, normalised_email(comment.author_email)
    if target == Sanction.Kind.DOMAIN:
        domains = email_domains(comment.author_email)
        if not domains:
            raise ValidationError({"target": ["The comment's email address has no domain."]})
        return Sanction.Kind.DOMAIN, domains[0]
    if target == Sanction.Kind.IP:
        if not comment.ip_address:
            raise ValidationError({"target": ["The comment's IP address is not known: ban its email instead."]})
        return Sanction.Kind.IP, comment.ip_address
    raise ValidationError({"target": [f"Choose one of: {', '.join(Sanction.Kind.values)}."]})


# --- Reads ----------------------------------------------------------------------------------------------


def sanction_state(sanction: Sanction, *, now: datetime | None = None) -> str:
    """active, lifted or expired (a ban lifted before its expiry stays "lifted"). Needs `lift` loaded."""
    if getattr(sanction, "lift", None) is not None:
        return State.LIFTED
    if sanction.expires_at is not None and sanction.expires_at <= (now or timezone.now()):
        return State.EXPIRED
    return State.ACTIVE


def state_filter(state: str, *, now: datetime | None = None) -> Q:
    """The bans in `state` at `now`."""
    now = now or timezone.now()
    not_lifted = Q(lift__isnull=True)
    if state == State.ACTIVE:
        return not_lifted & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))
    if state == State.EXPIRED:
        return not_lifted & Q(expires_at__lte=now)
    if state == State.LIFTED:
        return Q(lift__isnull=False)
    raise ValueError(f"unknown ban state {state!r}")


def sanctions_list(
    *, state: str | None = None, kind: str | None = None, search: str | None = None, now: datetime | None = None
) -> QuerySet[Sanction]:
    """Bans newest first, with who made and who lifted them (one query per page: no query per row).

    `search` is a case-insensitive substring of the value; the table holds moderators' bans, not readers'
    comments, so the scan it may take stays small.
    """
    queryset = Sanction.objects.select_related("created_by", "lift__lifted_by").order_by("-created_at", "-id")
    if state:
        queryset = queryset.filter(state_filter(state, now=now))
    if kind:
        queryset = queryset.filter(kind=kind)
    if search:
        queryset = queryset.filter(value__icontains=search.strip().lower())
    return queryset


def sanction_detail(*, pk: int) -> Sanction | None:
    """One ban with its maker, its lift and its source comment's id, or None."""
    return sanctions_list().filter(pk=pk).first()


@dataclass(frozen=True)
class BanTargetChoice:
    """One way to ban a comment's author, and the value it would ban."""

    target: str
    label: str
    value: str | None  # None: the comment lacks it (no IP address)


def ban_targets(*, comment: Comment) -> list[BanTargetChoice]:
    """What "Ban this commenter" offers for `comment`: its email, its domain and its IP address."""
    choices = []
    for kind in Sanction.Kind:
        try:
            _, value = ban_value_from_comment(comment=comment, target=kind.value)
        except ValidationError:
            value = None
        choices.append(BanTargetChoice(target=kind.value, label=kind.label, value=value))
    return choices


def bans_covering(*, comment: Comment, now: datetime | None = None) -> list[Sanction]:
    """The bans in force now that cover the comment's author (address, domain or IP), newest first."""
    match = sanctions_matching(email=comment.author_email, ip_address=comment.ip_address)
    return list(active_sanctions(now=now).filter(match).select_related("created_by").order_by("-created_at", "-id"))
