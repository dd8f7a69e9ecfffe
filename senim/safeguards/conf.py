"""Tunable limits of the safeguards, read from the environment (docs/safeguards.md).

The legal limits themselves (48 h, 24 h, 12 h) are not settings: they are the law (seed 004 §4)
and live in `senim.safeguards.rules`.
"""

from __future__ import annotations

import datetime as dt

from senim.config.env import env_str


def _int(name: str, default: int) -> int:
    return int(env_str(name, str(default)))


# A terminal or payphone that has not sent a heartbeat for this long is out of order.
TERMINAL_OUTAGE_AFTER = dt.timedelta(minutes=_int("SENIM_TERMINAL_OUTAGE_MINUTES", 30))
# `senim alerts` only notifies about thresholds crossed this recently, so that loading years of
# history (or a timer that was off for a while) does not flood prosecutors with stale alerts.
ALERT_LOOKBACK = dt.timedelta(hours=_int("SENIM_ALERT_LOOKBACK_HOURS", 72))
# Complaints by the same person about the same facility with event dates this close are taken
# to describe the same events (seed 004 §5 counts such repeated complaints separately).
REPEAT_WINDOW = dt.timedelta(days=_int("SENIM_COMPLAINT_REPEAT_WINDOW_DAYS", 7))
# Gaps shorter than this between consecutive recordings of one camera are not "missing footage".
FOOTAGE_GAP_TOLERANCE = dt.timedelta(seconds=_int("SENIM_FOOTAGE_GAP_SECONDS", 60))
