"""Who sees and does what in the NPM system.

The NPM is independent of the police it visits: no police role reads it. An NPM monitor sees
the visits of the regional groups in which they hold a current term, and a member of the
coordination council sees every group (the council forms the groups and accepts their reports,
seed 004 §6). The administrator keeps the register of institutions and the membership lists
but records no visits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from senim.core.models import Role, User
from senim.oversight.models import (
    REGIONAL_KINDS,
    Body,
    BodyKind,
    Institution,
    Member,
    Recommendation,
    Visit,
)


@dataclass(frozen=True)
class Access:
    user: User
    everything: bool  # council member or administrator: every group
    member_of: frozenset[int]  # groups (or the council) in which the user holds a current term
    council: bool
    manages: bool  # keeps the register and the membership lists

    def group_ids(self) -> set[int] | None:
        """None means every group."""
        return None if self.everything else set(self.member_of)

    def may_record(self, group: Body) -> bool:
        """Council members record for any NPM group; the Ombudsman's and a representative's
        visits are recorded only by those who hold a term in that body."""
        return group.pk in self.member_of or (self.council and group.kind == BodyKind.GROUP)


def access_for(user: User, *, today: dt.date | None = None) -> Access:
    """The caller's NPM access; PermissionDenied for roles outside the NPM."""
    manages = bool(user.is_superuser or user.role == Role.ADMINISTRATOR)
    if not manages and user.role != Role.NPM_MONITOR:
        raise PermissionDenied(_("Only NPM participants and administrators use the NPM system."))
    day = today or timezone.localdate()
    terms = Member.objects.filter(user=user, term_start__lte=day, term_end__gte=day)
    bodies = dict(terms.values_list("body_id", "body__kind"))
    council = BodyKind.COUNCIL in bodies.values()
    ombudsman = BodyKind.OMBUDSMAN in bodies.values()  # the Ombudsman's office sees every body
    return Access(
        user=user,
        everything=manages or council or ombudsman,
        member_of=frozenset(bodies),
        council=council,
        manages=manages,
    )


def groups(access: Access) -> QuerySet[Body]:
    qs = Body.objects.filter(kind=BodyKind.GROUP).select_related("region")
    ids = access.group_ids()
    return qs if ids is None else qs.filter(pk__in=ids)


def recording_bodies(access: Access) -> list[Body]:
    """Every body (NPM group, the Ombudsman, a representative) the caller records visits for."""
    qs = Body.objects.exclude(kind=BodyKind.COUNCIL).select_related("region")
    if not access.council:
        qs = qs.filter(pk__in=access.member_of)
    return [b for b in qs.order_by("kind", "region__iso") if access.may_record(b)]


def visits(access: Access) -> QuerySet[Visit]:
    qs = Visit.objects.select_related("group__region", "institution__facility__kind")
    ids = access.group_ids()
    return qs if ids is None else qs.filter(group_id__in=ids)


def recommendations(access: Access) -> QuerySet[Recommendation]:
    qs = Recommendation.objects.select_related("institution__facility__region", "visit")
    ids = access.group_ids()
    return qs if ids is None else qs.filter(visit__group_id__in=ids)


def institutions(access: Access) -> QuerySet[Institution]:
    """The register as the caller may read it: all of it, or their groups' regions."""
    qs = Institution.objects.select_related("facility__kind", "facility__region")
    ids = access.group_ids()
    if ids is None:
        return qs
    regions = Body.objects.filter(pk__in=ids, kind__in=REGIONAL_KINDS).values("region_id")
    return qs.filter(facility__region_id__in=regions)


def require_manager(access: Access) -> None:
    if not access.manages:
        raise PermissionDenied(_("Only an administrator keeps the register and membership lists."))


def visible(access: Access, obj: Any) -> bool:
    ids = access.group_ids()
    return ids is None or getattr(obj, "group_id", None) in ids
