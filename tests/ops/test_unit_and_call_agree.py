"""Property: whatever a duty officer does, in any order, a unit's status and its call's agree.

Hypothesis draws sequences of steps (most of them refused: dispatching a closed call, closing an
emergency nobody attended…) over three calls and two units; after every step the invariant is
checked against the database: a unit carries a call exactly while it is dispatched, en route or on
scene, with the same status as the call, and a call in one of those states has exactly one unit.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from senim.core.errors import UseCaseError
from senim.ops import services
from senim.ops.models import ON_CALL, PatrolUnit
from senim.register.models import WITH_UNIT, Appeal
from tests.ops.conftest import World, make_unit

STEPS = [
    "grade_emergency",
    "grade_by_phone",
    "regrade",
    "dispatch",
    "en_route",
    "on_scene",
    "recall",
    "close",
    "cancel",
    "transfer",
    "duplicate",
    "unit_busy",
    "unit_available",
    "unit_off_duty",
]


# "advance" takes the call's natural next step (grade, dispatch, en route, on scene, close); it
# is drawn often, so that most sequences get units onto calls and the other steps — the
# disorder of a real shift — then hit calls in every state.
WEIGHTED = [*STEPS, *["advance"] * 10]
NEXT = {
    "received": "grade_emergency",
    "graded": "dispatch",
    "dispatched": "en_route",
    "en_route": "on_scene",
    "on_scene": "close",
}


def _apply(world: World, step: str, call: Appeal, other: Appeal, unit: PatrolUnit) -> None:
    u, pk = world.oblast, call.pk
    if step == "advance":
        call.refresh_from_db()
        step = NEXT.get(call.status, "close")
    {
        "grade_emergency": lambda: services.grade_call(user=u, pk=pk, grade="emergency"),
        "grade_by_phone": lambda: services.grade_call(user=u, pk=pk, grade="by_phone"),
        "regrade": lambda: services.grade_call(
            user=u, pk=pk, grade="urgent", reason_code="new_information"
        ),
        "dispatch": lambda: services.dispatch(user=u, pk=pk, unit_id=unit.pk),
        "en_route": lambda: services.en_route(user=u, pk=pk),
        "on_scene": lambda: services.on_scene(user=u, pk=pk),
        "recall": lambda: services.recall(user=u, pk=pk, reason_code="higher_priority"),
        "close": lambda: services.close_call(user=u, pk=pk, outcome="help_given"),
        "cancel": lambda: services.cancel_call(user=u, pk=pk, reason_code="caller_withdrew"),
        "transfer": lambda: services.transfer_call(
            user=u, pk=pk, district=world.d2.code, reason="moved"
        ),
        "duplicate": lambda: services.mark_duplicate(user=u, pk=pk, of=other.pk),
        "unit_busy": lambda: services.set_unit_status(user=u, pk=unit.pk, status="busy"),
        "unit_available": lambda: services.set_unit_status(user=u, pk=unit.pk, status="available"),
        "unit_off_duty": lambda: services.set_unit_status(user=u, pk=unit.pk, status="off_duty"),
    }[step]()


def _check() -> None:
    units = list(PatrolUnit.objects.values_list("pk", "status", "appeal_id"))
    calls = dict(Appeal.objects.values_list("pk", "status"))
    carried: dict[int, int] = {}
    for pk, status, appeal_id in units:
        assert (status in ON_CALL) == (appeal_id is not None), (pk, status, appeal_id)
        if appeal_id is not None:
            assert calls[appeal_id] == status, (pk, status, calls[appeal_id])
            carried[appeal_id] = carried.get(appeal_id, 0) + 1
    for pk, status in calls.items():
        assert carried.get(pk, 0) == (1 if status in WITH_UNIT else 0), (pk, status, carried)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(WEIGHTED), st.integers(0, 1), st.integers(0, 1)),
        min_size=1,
        max_size=30,
    )
)
def test_a_units_status_and_its_calls_always_agree(
    world: World, send_call: Any, steps: list[Any]
) -> None:
    with transaction.atomic():
        units = [make_unit(world.d1, "P-1"), make_unit(world.d1, "P-2", dlat=0.01)]
        make_unit(
            world.d2, "Q-1"
        )  # a transferred call may be dispatched only with its own district's units
        calls = [send_call() for _ in range(3)]
        done = 0
        for step, c, u in steps:
            try:
                _apply(world, step, calls[c], calls[(c + 1) % 3], units[u])
                done += 1
            except UseCaseError:
                pass
            _check()
        transaction.set_rollback(True)
