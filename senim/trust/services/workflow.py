"""The response to a critical media item: verify → answer or refute → internal check → closed.

- verify: the facts are checked and found confirmed or not (a note says how);
- answer: a public statement on confirmed facts (what was done); refute: a refutation, only
  when the facts were not confirmed;
- start_check: an internal check by a named unit; obligatory after an answer on confirmed
  facts (misconduct reported in the press is always checked), optional after a refutation;
- close: with the check's outcome, or straight after a refutation.
Each stage keeps its own timestamp; every step is written to the audit log.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from senim.core import audit
from senim.core.models import Unit, User
from senim.trust.access import MEDIA_WRITE
from senim.trust.errors import Conflict, Invalid, NotFound
from senim.trust.models import MediaResponse, ResponseState
from senim.trust.services.media import ensure_region_write, get_item
from senim.trust.services.surveys import require

S = ResponseState
# action → (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "verify": (frozenset({S.TO_VERIFY}), S.VERIFIED),
    "answer": (frozenset({S.VERIFIED}), S.ANSWERED),
    "refute": (frozenset({S.VERIFIED}), S.REFUTED),
    "start_check": (frozenset({S.ANSWERED, S.REFUTED}), S.INTERNAL_CHECK),
    "close": (frozenset({S.INTERNAL_CHECK, S.REFUTED}), S.CLOSED),
}


def next_actions(response: MediaResponse) -> list[str]:
    actions = [a for a, (sources, _to) in TRANSITIONS.items() if response.state in sources]
    if response.state == S.VERIFIED:
        # Confirmed facts are answered, not refuted; unconfirmed ones may be either.
        actions = [a for a in actions if not (a == "refute" and response.facts_confirmed)]
    return actions


@transaction.atomic
def advance(
    *,
    user: User,
    item_id: int,
    action: str,
    note: str = "",
    confirmed: bool | None = None,
    unit_id: int | None = None,
) -> MediaResponse:
    require(user, MEDIA_WRITE)
    item = get_item(user=user, item_id=item_id)
    ensure_region_write(user, item)
    response = MediaResponse.objects.select_for_update().filter(item=item).first()
    if response is None:
        raise NotFound("item", _("This item has no response case: it is not critical."))
    if action not in TRANSITIONS:
        raise Invalid("action", _("Unknown action %(action)s.") % {"action": action[:30]})
    sources, target = TRANSITIONS[action]
    if response.state not in sources or action not in next_actions(response):
        raise Conflict(
            "action",
            _("Cannot %(action)s a case that is %(state)s.")
            % {"action": action, "state": response.get_state_display()},
        )
    note = note.strip()
    if len(note) > 5000:
        raise Invalid("note", _("is longer than %(n)d characters") % {"n": 5000})
    now = timezone.now()
    if action == "verify":
        if confirmed is None:
            raise Invalid("confirmed", _("Say whether the facts were confirmed."))
        if not note:
            raise Invalid("note", _("Say how the facts were verified."))
        response.facts_confirmed, response.verification_note = confirmed, note
        response.verified_at = now
    elif action in {"answer", "refute"}:
        if not note:
            raise Invalid("note", _("The statement is required."))
        response.public_statement, response.responded_at = note, now
    elif action == "start_check":
        unit = Unit.objects.filter(pk=unit_id).first() if unit_id else None
        if unit is None:
            raise Invalid("unit", _("Name the unit that carries out the check."))
        response.check_unit, response.check_started_at = unit, now
    elif action == "close":
        if response.state == S.INTERNAL_CHECK and not note:
            raise Invalid("note", _("The outcome of the check is required."))
        response.check_outcome, response.closed_at = note, now
    response.state = target
    response.updated_by = user.get_username()
    response.save()
    audit.record(action=f"response:{action}", model="trust.MediaResponse", object_pk=response.pk,
                 details={"state": target}, actor=user.get_username())  # fmt: skip
    return response
