"""A synthetic roster with a known true risk, for the tests and the demo (all of it invented).

Every officer carries a latent propensity to misconduct: a persistent part, a part that drifts
from year to year (AR(1)) and the strain of overwork (the unit's load plus the officer's own).
Each month the officer's counts of every signal are drawn from it (Poisson, binomial thinning
for sustained findings), scaled by the public contact the duty brings: a patrol officer draws
complaints an investigator never meets, whatever their conduct. The adverse outcome for an
as-of year (a sustained complaint or dismissal in the 12 months after it) is drawn from the
officer's risk at that date, so history predicts it, with noise; `true_risk` is that
probability, the judge of a ranking in expectation.

Beside complaints and discipline the officer's detentions are drawn (by duty), with the use of
force or special means and injuries recorded among them, the safeguards register's ill-treatment
complaints, calls handled, complained of and reached late, and negative media items about the
unit — each from the same latent risk with its own noise; every rate is an assumption
(docs/integrity.md, "The synthetic roster"). The threshold rules use few of these: that is the
information an early-intervention model can add.

Complaints are rare (about one in three officer-years has one on patrol), sustained findings
rarer (about one complaint in six). The women's share is drawn per seed between 6 and 12 %, the
range seed `000_…` gives for Kazakhstan's police today; sex, age and region carry no risk of
their own here (a fair model has nothing to find in them), but women are posted more often to
investigation and district-inspector duties, less often to patrol.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from senim.analytics.early_intervention.table import (
    SIGNALS,
    WINDOWS_DAYS,
    FeatureTable,
    FloatArray,
    IntArray,
    feature_name,
)

REGIONS: tuple[str, ...] = (
    "Astana", "Almaty", "Shymkent", "Abai", "Akmola", "Aktobe", "Almaty Region", "Atyrau",
    "East Kazakhstan", "Zhambyl", "Zhetisu", "West Kazakhstan", "Karaganda", "Kostanay",
    "Kyzylorda", "Mangystau", "Pavlodar", "North Kazakhstan", "Turkestan", "Ulytau",
)  # fmt: skip
# Rough population weights (millions), so the roster is sized by region.
_REGION_WEIGHT = np.array(
    [1.4, 2.2, 1.2, 0.6, 0.8, 0.9, 1.5, 0.7, 0.7, 1.2, 0.7, 0.7, 1.1, 0.8, 0.8, 0.8, 0.8, 0.5,
     2.1, 0.2]
)  # fmt: skip
DUTIES: tuple[str, ...] = ("patrol", "traffic", "district_inspector", "investigation", "custody")
_DUTY_SHARE_MEN = np.array([0.45, 0.15, 0.18, 0.15, 0.07])
_DUTY_SHARE_WOMEN = np.array([0.20, 0.08, 0.30, 0.35, 0.07])
_EXPOSURE = np.array([1.6, 1.3, 1.0, 0.6, 0.5])  # public contact, relative
_CALLS_PER_YEAR = np.array([700.0, 200.0, 300.0, 40.0, 10.0])
# Detentions an officer draws up a record of per year, by duty (assumed, not from a seed).
_DETENTIONS_PER_YEAR = np.array([30.0, 10.0, 12.0, 8.0, 4.0])
_FORCE_SHARE = 0.08  # of detentions, physical force or special means used (assumed)
_INCIDENT_SHARE = 0.005  # of detentions, injuries recorded or a breach of procedure (assumed)
# Complaint kinds: share of all complaints, and how strongly each loads on the risk.
_KINDS = (
    ("complaints_rudeness", 0.38, 0.5),
    ("complaints_inaction", 0.30, 0.4),
    ("complaints_unlawful_detention", 0.08, 0.9),
    ("complaints_bribery", 0.10, 1.1),
    ("complaints_abuse", 0.08, 1.0),
    ("complaints_ill_treatment", 0.06, 1.1),
)
_COMPLAINTS_PER_YEAR = 0.22  # at exposure 1 and average risk
_WINDOW_MONTHS = {30: 1, 90: 3, 365: 12, 1825: 60}
AGE_BANDS: tuple[str, ...] = ("<30", "30-39", "40-49", "50+")


@dataclass(frozen=True)
class Roster:
    """One entry per officer (index i ↔ officer id `officer[i]`)."""

    officer: IntArray
    sex: np.ndarray  # "F" / "M"
    birth_year: IntArray
    region: np.ndarray
    unit: IntArray
    duty: np.ndarray
    peer_group: np.ndarray  # "U<unit>/<duty>"


@dataclass(frozen=True)
class TidyCounts:
    """Non-zero counts, one row per (officer, year, month, signal); month 0 means a whole year."""

    officer: IntArray
    year: IntArray
    month: IntArray
    signal: np.ndarray
    count: IntArray


@dataclass(frozen=True)
class SimulatedRoster:
    """The feature table (one row per officer × as-of year, labels known for every row), the
    true risk behind each label, the roster and the monthly counts the features came from."""

    table: FeatureTable
    true_risk: FloatArray
    roster: Roster
    counts: TidyCounts
    women_share: float

    def yearly_counts(self) -> TidyCounts:
        """The counts summed per (officer, year, signal), month = 0."""
        keys = np.stack([self.counts.officer, self.counts.year], axis=1)
        position = {name: j for j, name in enumerate(SIGNALS)}
        signal_index = np.array([position[str(s)] for s in self.counts.signal], dtype=np.int64)
        order = np.lexsort((signal_index, keys[:, 1], keys[:, 0]))
        stacked = np.stack([keys[order, 0], keys[order, 1], signal_index[order]], axis=1)
        unique, start = np.unique(stacked, axis=0, return_index=True)
        totals = np.add.reduceat(self.counts.count[order], start)
        return TidyCounts(
            officer=unique[:, 0].astype(np.int64),
            year=unique[:, 1].astype(np.int64),
            month=np.zeros(unique.shape[0], dtype=np.int64),
            signal=np.array(SIGNALS)[unique[:, 2]],
            count=totals.astype(np.int64),
        )


def _age_band(age: IntArray) -> np.ndarray:
    edges = np.array([30, 40, 50])
    return np.array(AGE_BANDS)[np.searchsorted(edges, age, side="right")]


def simulate_histories(
    n_officers: int = 2000,
    years: int = 6,
    seed: int = 0,
    *,
    first_year: int = 2020,
    women_share: float | None = None,
) -> SimulatedRoster:
    """`n_officers` officers over `years` years of monthly counts, one as-of date per year end.

    The table's rows are (officer, as-of year) for every year; `label` is the adverse outcome
    in the following year (known for all rows here: hide the last period to play the live one).
    """
    if n_officers < 10:
        raise ValueError(f"n_officers must be at least 10, got {n_officers}")
    if years < 2:
        raise ValueError(f"years must be at least 2, got {years}")
    rng = np.random.default_rng(seed)
    share = float(rng.uniform(0.06, 0.12)) if women_share is None else float(women_share)
    if not 0 <= share <= 1:
        raise ValueError(f"women_share must be in [0, 1], got {women_share}")
    n, months = n_officers, 12 * years

    # The roster: units sized ~30 officers, spread over the regions by population.
    n_units = max(2, n // 30)
    unit_region = rng.choice(len(REGIONS), size=n_units, p=_REGION_WEIGHT / _REGION_WEIGHT.sum())
    unit = rng.integers(0, n_units, size=n)
    woman = rng.random(n) < share
    duty = np.where(
        woman,
        rng.choice(len(DUTIES), size=n, p=_DUTY_SHARE_WOMEN),
        rng.choice(len(DUTIES), size=n, p=_DUTY_SHARE_MEN),
    )
    birth_year = first_year - rng.integers(22, 56, size=n)

    # The latent risk, per officer and year.
    persistent = rng.normal(size=n)
    drift = np.empty((n, years))
    drift[:, 0] = rng.normal(size=n)
    for t in range(1, years):
        drift[:, t] = 0.7 * drift[:, t - 1] + np.sqrt(1 - 0.7**2) * rng.normal(size=n)
    unit_load = rng.normal(0, 0.5, size=(n_units, years))
    strain = unit_load[unit] + rng.normal(0, 0.5, size=(n, years))
    risk = 0.8 * persistent[:, None] + 0.5 * drift + 0.35 * strain  # (n, years)

    exposure = _EXPOSURE[duty][:, None]
    monthly_risk = np.repeat(risk, 12, axis=1)  # (n, months)
    monthly_strain = np.repeat(strain, 12, axis=1)
    counts = np.zeros((n, months, len(SIGNALS)), dtype=np.int64)
    column = {name: j for j, name in enumerate(SIGNALS)}
    base = _COMPLAINTS_PER_YEAR / 12 * exposure
    for name, kind_share, loading in _KINDS:
        rate = base * kind_share * np.exp(loading * monthly_risk)
        counts[:, :, column[name]] = rng.poisson(rate)
    kinds = [column[name] for name, _, _ in _KINDS]
    all_complaints = counts[:, :, kinds].sum(axis=2)
    counts[:, :, column["complaints_all"]] = all_complaints
    sustained_p = 1 / (1 + np.exp(-(-2.0 + 0.7 * monthly_risk)))
    counts[:, :, column["complaints_sustained"]] = rng.binomial(all_complaints, sustained_p)
    counts[:, :, column["discipline"]] = rng.poisson(0.06 / 12 * np.exp(0.8 * monthly_risk))
    counts[:, :, column["commendations"]] = rng.poisson(0.4 / 12 * np.exp(-0.3 * monthly_risk))
    age = (first_year + np.arange(months) // 12)[None, :] - birth_year[:, None]
    counts[:, :, column["sick_days"]] = rng.poisson(
        8 / 12 * np.exp(0.3 * monthly_strain + 0.01 * (age - 35))
    )
    overtime_mean = 150 / 12 * np.exp(0.35 * monthly_strain)
    counts[:, :, column["overtime_hours"]] = np.rint(rng.gamma(3.0, overtime_mean / 3.0))
    # Custody: the detentions the officer records (a little more for the risky: exposure they
    # choose), and the incidents among them — injuries recorded at the medical examination or a
    # breach of the custody procedure — whose share rises with the risk (use of force).
    detentions = rng.poisson(_DETENTIONS_PER_YEAR[duty][:, None] / 12 * np.exp(0.2 * monthly_risk))
    counts[:, :, column["custody_records"]] = detentions
    counts[:, :, column["custody_force"]] = rng.binomial(
        detentions, np.minimum(1.0, _FORCE_SHARE * np.exp(0.7 * monthly_risk))
    )
    counts[:, :, column["custody_incidents"]] = rng.binomial(
        detentions, np.minimum(1.0, _INCIDENT_SHARE * np.exp(1.0 * monthly_risk))
    )
    # The safeguards register's ill-treatment complaints naming the officer: every internal one
    # (the same complaint, linked) and some that never became an internal complaint.
    counts[:, :, column["ill_treatment_register"]] = counts[
        :, :, column["complaints_ill_treatment"]
    ] + rng.poisson(base * 0.03 * np.exp(1.1 * monthly_risk))
    calls = rng.poisson(np.broadcast_to(_CALLS_PER_YEAR[duty][:, None] / 12, (n, months)))
    counts[:, :, column["calls_handled"]] = calls
    counts[:, :, column["calls_complained"]] = rng.binomial(
        calls, np.minimum(1.0, 0.0006 * np.exp(0.6 * monthly_risk))
    )
    # Calls the crew reached after the response target (assumed 10 % on average): partly the
    # unit's load, partly the officer's diligence, which goes with the risk (inaction).
    counts[:, :, column["calls_late"]] = rng.binomial(
        calls, np.minimum(1.0, 0.10 * np.exp(0.3 * monthly_risk + 0.2 * monthly_strain))
    )
    # Negative media items naming the unit: the unit's, shared by all its officers (with peers
    # from the same unit they cancel out in the peer-relative ranking; context, not a signal).
    unit_mean = np.array(
        [
            risk[unit == u].mean(axis=0) if (unit == u).any() else np.zeros(years)
            for u in range(n_units)
        ]
    )
    unit_media = rng.poisson(0.1 * np.exp(0.5 * np.repeat(unit_mean, 12, axis=1)))
    counts[:, :, column["media_negative_unit"]] = unit_media[unit]

    # The outcome after each as-of year end, drawn from the risk at that date.
    true_risk = 1 / (1 + np.exp(-(-3.3 + 1.2 * risk + 0.25 * np.log(exposure))))  # (n, years)
    label = rng.random((n, years)) < true_risk

    # Features at each year end: sums over the window's months (truncated at the start).
    cumulative = np.concatenate(
        [np.zeros((n, 1, len(SIGNALS)), dtype=np.int64), counts.cumsum(axis=1)], axis=1
    )
    names, blocks = [], []
    for j, signal in enumerate(SIGNALS):
        for window in WINDOWS_DAYS:
            names.append(feature_name(signal, window))
            ends = 12 * (np.arange(years) + 1)
            starts = np.maximum(0, ends - _WINDOW_MONTHS[window])
            blocks.append(cumulative[:, ends, j] - cumulative[:, starts, j])  # (n, years)
    X = np.stack(blocks, axis=2).reshape(n * years, len(names)).astype(np.float64)

    officer_id = np.arange(1, n + 1, dtype=np.int64)
    period = np.tile(first_year + np.arange(years), n).astype(np.int64)
    row_officer = np.repeat(officer_id, years)
    sex = np.where(woman, "F", "M")
    region = np.array(REGIONS)[unit_region[unit]]
    duty_name = np.array(DUTIES)[duty]
    peer = np.char.add(np.char.add(np.char.add("U", unit.astype(str)), "/"), duty_name)
    row_of = np.repeat(np.arange(n), years)
    table = FeatureTable(
        names=tuple(names),
        X=X,
        officer=row_officer,
        period=period,
        label=label.reshape(-1),
        peer_group=peer[row_of],
        groups={
            "sex": sex[row_of],
            "age_band": _age_band(period - birth_year[row_of]),
            "region": region[row_of],
        },
    )

    where = np.nonzero(counts)
    tidy = TidyCounts(
        officer=officer_id[where[0]],
        year=(first_year + where[1] // 12).astype(np.int64),
        month=(where[1] % 12 + 1).astype(np.int64),
        signal=np.array(SIGNALS)[where[2]],
        count=counts[where],
    )
    roster = Roster(
        officer=officer_id,
        sex=sex,
        birth_year=birth_year.astype(np.int64),
        region=region,
        unit=unit.astype(np.int64),
        duty=duty_name,
        peer_group=peer,
    )
    return SimulatedRoster(
        table=table,
        true_risk=true_risk.reshape(-1),
        roster=roster,
        counts=tidy,
        women_share=share,
    )
