"""Who may do what in the safeguards (docs/safeguards.md, "Roles").

Custody is written by the duty officers of the facility's district; prosecutors watch it in
their region; the Ombudsman's office (NPM monitors) and prosecutors handle complaints; the
police never see who complained unless they are among a complaint's handlers.
"""

from __future__ import annotations

from senim.core.models import Role, User

CUSTODY_WRITE = frozenset({Role.DUTY_OFFICER, Role.ADMINISTRATOR})
CUSTODY_READ = CUSTODY_WRITE | {
    Role.PROSECUTOR,
    Role.NPM_MONITOR,
    Role.NATIONAL_ANALYST,
    Role.REGIONAL_ANALYST,
}
COMPLAINT_WRITE = frozenset({Role.PROSECUTOR, Role.NPM_MONITOR, Role.ADMINISTRATOR})
COMPLAINT_READ = COMPLAINT_WRITE | {Role.NATIONAL_ANALYST, Role.REGIONAL_ANALYST}
CASE_WRITE = frozenset({Role.PROSECUTOR, Role.ADMINISTRATOR})
CASE_READ = COMPLAINT_READ
# Compensation decisions and book entries come from the prosecutor's legal statistics and the
# fund's decisions: entered by prosecutors, read by those who read the cases.
REDRESS_WRITE = CASE_WRITE
REDRESS_READ = CASE_READ
TERMINAL_ADMIN = frozenset({Role.ADMINISTRATOR})
TERMINAL_READ = COMPLAINT_READ | {Role.DUTY_OFFICER}
# An outage seen on the spot (a visit, the facility's own staff) and the repair are reported by
# those who stand in front of the device; seed 004 §5 found most outages only through visits.
TERMINAL_REPORT = frozenset(
    {Role.DUTY_OFFICER, Role.NPM_MONITOR, Role.PROSECUTOR, Role.ADMINISTRATOR}
)
# Footage is registered by the facility side; opening it and asking for an incident window is
# for those who investigate or oversee, and every opening is written to the ledger.
LEDGER_REGISTER = frozenset({Role.DUTY_OFFICER, Role.ADMINISTRATOR})
LEDGER_INVESTIGATE = frozenset({Role.PROSECUTOR, Role.NPM_MONITOR, Role.ADMINISTRATOR})
LEDGER_READ = LEDGER_INVESTIGATE | {Role.NATIONAL_ANALYST}


def allowed(user: User, roles: frozenset[str]) -> bool:
    return bool(user.is_active and (user.is_superuser or user.role in roles))
