"""Where a commenter stands: banned (by address, domain or IP range) and/or trusted.

`commenter_standing()` is the one call the submit path makes (moderation/screening.py): two indexed
queries, whatever the number of bans. The same predicates serve the admin and the API.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from community.models import Sanction, TrustChange, ip_key


def normalised_email(email: str) -> str:
    return (email or "").strip().lower()


def email_domains(email: str) -> list[str]:
    """The address's domain and each parent domain ("a@mail.example.org" -> mail.example.org, example.org, org)."""
    domain = normalised_email(email).rpartition("@")[2].strip(".")
    if not domain:
        return []
    parts = domain.split(".")
    return [".".join(parts[i:]) for i in range(len(parts))]


def active_sanctions(*, now: datetime | None = None) -> QuerySet[Sanction]:
    """Bans in force at `now`: not lifted and not expired."""
    now = now or timezone.now()
    return Sanction.objects.filter(lift__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


def sanctions_matching(*, email: str, ip_address: str | None) -> Q:
    """The bans that cover this address, its domain (or a parent domain) or this IP address."""
    match = Q(kind=Sanction.Kind.EMAIL, value=normalised_email(email))
    domains = email_domains(email)
    if domains:
        match |= Q(kind=Sanction.Kind.DOMAIN, value__in=domains)
    if ip_address:
        try:
            key = ip_key(ipaddress.ip_address(ip_address))
        except ValueError:
            key = None
        if key is not None:
            match |= Q(kind=Sanction.Kind.IP, ip_first__lte=key, ip_last__gte=key)
    return match


def matching_ban(*, email: str, ip_address: str | None, now: datetime | None = None) -> Sanction | None:
    """The newest ban in force that covers this commenter, or None."""
    return active_sanctions(now=now).filter(sanctions_matching(email=email, ip_address=ip_address)).first()


def is_trusted(*, email: str) -> bool:
    """Whether the latest trust change for this (normalised) address marks it trusted."""
    latest = TrustChange.objects.filter(email=normalised_email(email)).order_by("-changed_at", "-id").first()
    return bool(latest and latest.trusted)


@dataclass(frozen=True)
class Standing:
    """What the submit path needs to know about who is writing."""

    ban: Sanction | None = None
    trusted: bool = False

    @property
    def banned(self) -> bool:
        return self.ban is not None


def commenter_standing(*, email: str, ip_address: str | None, now: datetime | None = None) -> Standing:
    """Is the commenter banned (the newest ban in force) and are they trusted?"""
    return Standing(ban=matching_ban(email=email, ip_address=ip_address, now=now), trusted=is_trusted(email=email))
