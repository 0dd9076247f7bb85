"""Planted scenario households and their expected outcomes (the ground truth of the city).

``build_scenarios(run_date, days)`` returns a :class:`ScenarioSet`: ``frames(day)`` gives the
rows of every one of the 22 sources for the delivery of ``day`` (day k = run_date + k days),
``ground_truth()`` the expected warehouse outputs. The households are declared in
``scenario_catalog.py`` (one spec each), turned into rows by ``scenario_rows.py`` and the
outcomes derived from exactly those rows by ``scenario_truth.py``, a small independent
restatement of docs/policy.md; each spec also states its intent (tier, amounts, warnings timeline,
reviews), which ``intent_mismatches()`` checks against the derived outcome.

Isolation: scenario people appear only in scenario rows. ID numbers: Tianjin address codes,
sequence codes 900-999, valid check characters; household numbers ``9`` + 8 digits; every other
scenario key starts with ``SCN`` (cases ``SCN-CASE-``, requests ``SCN-REQ-``, claims
``SCN-MC-``, certificates ``SCN-RE-``, ...); USCCs have organization codes ``W9...``.

Timeline (multi-day city, day k = run_date + k days): day 0 plants every warning household
(status new), day 1 repeats the data (ongoing), day 2 corrects the cause (a window row
re-delivered under the same key, or a changed snapshot row: resolved), so at least 3 days are
needed for the full lifecycle. W08 starts on day 1 (a certificate issued that day) and resolves
on day 3; case C12 ends on day 1 and its household becomes an outreach candidate on day 2.
With ``days=1`` only the day-0 expectations exist. The planned timeline assumes the delivery
days stay in one calendar month and school year (true for the default 2026-11-27 + 4 days);
otherwise the ground truth is still derived from the rows, only the intents may not hold.

Ground truth layout (JSON-able; dates ISO text; money as numbers to the cent)::

    {
      "run_date": "2026-11-27", "dates": ["2026-11-27", ...],      # day 0, 1, ...
      "parameters": {"dibao_standard": "1010", ..., "version": "2020-09-01"},
      "assumptions": [...],                                        # policy readings made
      "scenarios": {
        "T01": {
          "title": "...", "household_no": "900000001",
          "case_no": "SCN-CASE-0001" | null, "request_id": "SCN-REQ-0001" | null,
          "members": [{"key", "id_number", "relation", "age", "hukou_status",
                       "case_member", "declared", "authorized"}],
          "days": {
            "2026-11-27": {
              "household_verification": {member_count, income_per_capita,
                  rigid_expenditure_per_capita, cash_assets_per_capita, residential_homes,
                  tier, monthly_amount, single_person_dibao_count, reason_codes (sorted),
                  complete, missing_sources} | null,   # null: no normal living member
              "monitored": bool,
              "warnings": [{code, severity, status, first_seen, last_seen}],   # complete set
              "outreach": {tier, monthly_amount} | null,
              "population": {id_number: [categories, in the order tekun, dibao, low_income,
                             expenditure_hardship, assisted, monitored]},
              "case": {active, reviews (sorted), household: {figures of the case's living
                       members}} | null,
              "verification_report": {figures as above, tier, monthly_amount, reason_codes,
                       complete, members_verified, members_refused} | null,
              "cross_region": {"before": {...}, "after_answer": {...}}   # only requests with
                       # authorized members from other regions (docs/policy.md §11): the report
                       # before any partner answer (= verification_report: the city's deliveries
                       # hold no answers) and once every partner region answered
            }, ...
          },
          "members_from_other_regions": [{key, id_number, region, partner, held}]  # if any
        }, ...
      },
      "coverage": {"tiers", "reason_codes", "warnings" ("CODE:severity"), "warning_status",
                   "reviews", "categories", "outreach_tiers"}
    }

Every listed day has the complete expected state of every scenario household: an empty
``warnings`` list means no warning row (not even ``resolved``) for that household and day.
``expected(table, day)`` flattens the ground truth into rows of the published tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import polars as pl

from hedui.generator.cross_region import members_from_other_regions, request_truth
from hedui.generator.scenario_catalog import SCENARIOS
from hedui.generator.scenario_rows import PREFIX, SEQ_FIRST, SEQ_LAST, World, rows_for_day
from hedui.generator.scenario_spec import Scenario
from hedui.generator.scenario_truth import CATEGORY_ORDER, evaluate
from hedui.generator.schema import frame_schema
from hedui.policy_params import params_on
from hedui.registry import local_registry

ASSUMPTIONS = (
    "A failed asset test is a reason code (A1-A4) on every household result, whatever the "
    "income; T_SUPPORTER_CHECK only accompanies tier tekun.",
    "single_person_dibao_count is counted for tier low_income only (0 otherwise); "
    "monthly_amount is 0 for none and null for expenditure_hardship.",
    "Per-capita income: each member's 12-month average to the cent, summed, divided by the "
    "member count to the cent (planted figures are exact, so the order does not matter).",
    "12-month household income for W_MEDICAL / W_EDUCATION = sum of section 3 income over "
    "the 12 full months before D.",
    "A hukou household is on the assistance roll when one of its living normal members is "
    "a member of an active case; such households are monitored and never outreach.",
    "Population categories: every applicable category per person; a tier category for the "
    "hukou household's members, assisted for living members of active cases (a moved-out "
    "case member is listed under the household_no of their hukou row), monitored when "
    "per-capita income < monitor line. One row per person takes the first in CATEGORY_ORDER.",
    "Day 0 has no previous run (every warning is new). A warning that fired on the previous "
    "day and not today is reported once as resolved (every planted warning household stays "
    "monitored, so no expectation depends on resolving an unmonitored household).",
    "W_DEATH: death date from the death record, else the hukou status_date; age in full years "
    "on that date; 'income in the 12 months before D' = section 3 income in the 12 full "
    "months. W_DISABILITY needs a certificate that counts on D (section 2).",
    "An active public_rental contract: start_date <= D and end_date empty or >= D. "
    "R_BUSINESS: investor row of an active entity with established_date > case start_date.",
    "Verification report with a refused member: member_count is the declared count, every "
    "other figure, the tier and the amount are null.",
    "verification_request rows are dated the 15th of the month before day 0 (the 1-month "
    "window holds the previous full month); a report is expected on the days whose delivery "
    "holds the request.",
    "Window sources: every delivery repeats the whole window, and a corrected row keeps its "
    "primary key, so reading the latest delivery or merging deliveries gives the same data.",
    "complete=true assumes every source of the night passed validation.",
)


@dataclass
class ScenarioSet:
    """The scenario rows of every delivery day and their expected outcomes."""

    world: World
    dates: list[date]
    rows: dict[date, dict[str, list[dict]]]
    truth: dict
    _frames: dict[date, dict[str, pl.DataFrame]] = field(default_factory=dict, repr=False)

    def frames(self, day: date) -> dict[str, pl.DataFrame]:
        """Source name -> scenario rows of the delivery of ``day`` (all 22 sources)."""
        if day not in self.rows:
            raise KeyError(f"{day} is not one of the scenario delivery days {self.dates}")
        if day not in self._frames:
            self._frames[day] = {
                name: _frame(source, self.rows[day].get(name, []))
                for name, source in local_registry().items()
            }
        return self._frames[day]

    def ground_truth(self) -> dict:
        return self.truth

    @property
    def id_numbers(self) -> set[str]:
        return {p.id_number for p in self.world.people.values()}

    @property
    def household_nos(self) -> set[str]:
        return set(self.world.household_no.values())

    def intent_mismatches(self) -> list[str]:
        """Where the derived outcome differs from a spec's stated intent (should be empty)."""
        return _intent_mismatches(self.world.scenarios, self.truth)

    def expected(self, table: str, day: date) -> list[dict]:
        """Expected rows of one published table for ``day`` (raw id_number, no person_key)."""
        return _flatten(self.truth, table, day.isoformat())


def build_scenarios(run_date: date, days: int = 1) -> ScenarioSet:
    """All planted households for deliveries on run_date, run_date + 1, ... (``days`` days)."""
    if days < 1:
        raise ValueError("days must be >= 1")
    world = World(SCENARIOS, run_date)
    dates = [run_date + timedelta(days=k) for k in range(days)]
    rows = {d: rows_for_day(world, k, d) for k, d in enumerate(dates)}
    evaluated = {d: evaluate(rows[d], d, params_on(d)) for d in dates}
    for d in dates:  # requests with members from other regions (docs/policy.md §11)
        evaluated[d]["cross_region"] = request_truth(world, rows[d], d, params_on(d))
    truth = _assemble(world, dates, evaluated)
    return ScenarioSet(world, dates, rows, truth)


def is_scenario_id_number(id_number: str) -> bool:
    """True for an ID number in the scenario sequence range (characters 15-17: 900-999)."""
    return len(id_number) == 18 and SEQ_FIRST <= int(id_number[14:17]) <= SEQ_LAST


def is_scenario_key(value: str) -> bool:
    """True for a scenario household number or ``SCN`` key."""
    return value.startswith(PREFIX) or (len(value) == 9 and value.startswith("9"))


# ---------------------------------------------------------------------------- frames


def _plain(value: object) -> object:
    return float(value) if isinstance(value, Decimal) else value


def _frame(source: object, rows: list[dict]) -> pl.DataFrame:
    schema = frame_schema(source)  # type: ignore[arg-type]
    return pl.DataFrame(
        {name: [_plain(r.get(name)) for r in rows] for name in schema}, schema=schema
    )


# ---------------------------------------------------------------------------- ground truth


def _assemble(world: World, dates: list[date], evaluated: dict[date, dict]) -> dict:
    scenarios = {}
    for s in world.scenarios:
        hno = world.household_no[s.code]
        case_no = world.case_no.get(s.code)
        rid = world.request_id.get(s.code)
        people = {m.key: world.person(s.code, m.key) for m in s.members}
        case_keys = set(s.case.members or people) if s.case else set()
        members = [
            {
                "key": m.key,
                "id_number": people[m.key].id_number,
                "relation": m.relation,
                "age": m.age,
                "hukou_status": m.status,
                "case_member": m.key in case_keys,
                "declared": bool(s.request and m.key in s.request.members),
                "authorized": bool(
                    s.request and m.key in s.request.members and m.key not in s.request.refused
                ),
            }
            for m in s.members
        ]
        days = {}
        for d in dates:
            ev = evaluated[d]
            hh = ev["households"].get(hno)
            days[d.isoformat()] = {
                "household_verification": hh["verification"] if hh else None,
                "monitored": bool(hh and hh["monitored"]),
                "outreach": hh["outreach"] if hh else None,
                "population": ev["population"].get(hno, {}),
                "case": None
                if case_no is None
                else {k: ev["cases"][case_no][k] for k in ("active", "reviews", "household")},
                "verification_report": ev["requests"].get(rid) if rid else None,
                "warnings": [],
            }
            if s.code in ev["cross_region"]:  # no partner answer in the city's deliveries
                xr = ev["cross_region"][s.code]
                days[d.isoformat()]["verification_report"] = xr["before"]
                days[d.isoformat()]["cross_region"] = {
                    "before": xr["before"],
                    "after_answer": xr["after_answer"],
                }
        _lifecycle(
            days, [evaluated[d]["households"].get(hno, {}).get("fired", {}) for d in dates], dates
        )
        scenarios[s.code] = {
            "title": s.title,
            "household_no": hno,
            "case_no": case_no,
            "request_id": rid,
            "members": members,
            "days": days,
        }
        if remote := members_from_other_regions(world, [s.code]).get(s.code):
            scenarios[s.code]["members_from_other_regions"] = remote
    truth = {
        "run_date": dates[0].isoformat(),
        "dates": [d.isoformat() for d in dates],
        "parameters": params_on(dates[0]).as_dict(),
        "assumptions": list(ASSUMPTIONS),
        "category_order": list(CATEGORY_ORDER),
        "scenarios": scenarios,
        "inexact": sorted(_inexact(world, evaluated)),
    }
    truth["coverage"] = _coverage(truth)
    return truth


def _inexact(world: World, evaluated: dict[date, dict]) -> set[str]:
    out = set()
    for d, ev in evaluated.items():
        out |= {f"{d}:{h}" for h, v in ev["households"].items() if not v["exact"]}
        out |= {f"{d}:{c}" for c, v in ev["cases"].items() if not v["exact"]}
    return out


def _lifecycle(days: dict[str, dict], fired: list[dict[str, str]], dates: list[date]) -> None:
    """Add new / ongoing / resolved warning rows across consecutive run dates."""
    previous: dict[str, str] = {}
    first_seen: dict[str, str] = {}
    for k, d in enumerate(dates):
        today = fired[k]
        rows = []
        for code in sorted(set(today) | set(previous)):
            if code in today:
                if code not in previous:
                    first_seen[code] = d.isoformat()
                rows.append(
                    {
                        "code": code,
                        "severity": today[code],
                        "status": "ongoing" if code in previous else "new",
                        "first_seen": first_seen[code],
                        "last_seen": d.isoformat(),
                    }
                )
            else:
                rows.append(
                    {
                        "code": code,
                        "severity": previous[code],
                        "status": "resolved",
                        "first_seen": first_seen[code],
                        "last_seen": dates[k - 1].isoformat(),
                    }
                )
        days[d.isoformat()]["warnings"] = rows
        previous = dict(today)


def _coverage(truth: dict) -> dict[str, list[str]]:
    cov: dict[str, set[str]] = {
        k: set()
        for k in (
            "tiers",
            "reason_codes",
            "warnings",
            "warning_status",
            "reviews",
            "categories",
            "outreach_tiers",
        )
    }
    for sc in truth["scenarios"].values():
        for day in sc["days"].values():
            for result in (day["household_verification"], day["verification_report"]):
                if result:
                    cov["reason_codes"].update(result["reason_codes"])
                if result and result["tier"] is not None:
                    cov["tiers"].add(result["tier"])
            for w in day["warnings"]:
                cov["warnings"].add(f"{w['code']}:{w['severity']}")
                cov["warning_status"].add(w["status"])
            if day["case"]:
                cov["reviews"].update(day["case"]["reviews"])
            for cats in day["population"].values():
                cov["categories"].update(cats)
            if day["outreach"]:
                cov["outreach_tiers"].add(day["outreach"]["tier"])
    return {k: sorted(v) for k, v in cov.items()}


# ---------------------------------------------------------------------------- intents


def _intent_at(s: Scenario, k: int) -> dict[str, object]:
    intent = dict(s.expect)
    for start in sorted(s.later):
        if start <= k:
            intent.update(s.later[start])
    return intent


def _warning_intent(s: Scenario, k: int) -> set[tuple[str, str, str]]:
    status = {"N": "new", "O": "ongoing", "R": "resolved"}
    out = set()
    for code, spec in s.warnings.items():
        severity, timeline = spec.split(":")
        ch = timeline[k] if k < len(timeline) else "-"
        if ch != "-":
            out.add((code, severity, status[ch]))
    return out


def _intent_mismatches(scenarios: tuple[Scenario, ...], truth: dict) -> list[str]:
    out = [f"inexact figures: {x}" for x in truth["inexact"]]
    for s in scenarios:
        sc = truth["scenarios"][s.code]
        for k, d in enumerate(truth["dates"]):
            day = sc["days"][d]
            hv = day["household_verification"] or {}
            for name, want in _intent_at(s, k).items():
                if hv.get(name) != want:
                    out.append(f"{s.code} {d} {name}: expected {want!r}, got {hv.get(name)!r}")
            got = {(w["code"], w["severity"], w["status"]) for w in day["warnings"]}
            if got != _warning_intent(s, k):
                out.append(
                    f"{s.code} {d} warnings: intended {sorted(_warning_intent(s, k))}, "
                    f"got {sorted(got)}"
                )
            if s.case and day["case"]["active"] and day["case"]["reviews"] != list(s.case.reviews):
                out.append(
                    f"{s.code} {d} reviews: intended {list(s.case.reviews)}, "
                    f"got {day['case']['reviews']}"
                )
            report = day["verification_report"]
            if s.request and report:
                out += [
                    f"{s.code} {d} report {n}: expected {v!r}, got {report.get(n)!r}"
                    for n, v in s.request.report.items()
                    if report.get(n) != v
                ]
            after = (day.get("cross_region") or {}).get("after_answer") or {}
            if s.request and s.request.answered:
                out += [
                    f"{s.code} {d} answered report {n}: expected {v!r}, got {after.get(n)!r}"
                    for n, v in s.request.answered.items()
                    if after.get(n) != v
                ]
    return out


# ---------------------------------------------------------------------------- flat rows


def _flatten(truth: dict, table: str, day: str) -> list[dict]:
    rows: list[dict] = []
    for sc in truth["scenarios"].values():
        state = sc["days"].get(day)
        if state is None:
            continue
        hno = sc["household_no"]
        if table == "household_verification" and state["household_verification"]:
            rows.append({"household_id": hno, "run_date": day, **state["household_verification"]})
        elif table == "return_to_poverty_warnings":
            rows += [
                {
                    "household_id": hno,
                    "run_date": day,
                    "warning_code": w["code"],
                    **{k: w[k] for k in ("severity", "status", "first_seen", "last_seen")},
                }
                for w in state["warnings"]
            ]
        elif table == "recipient_reviews" and state["case"] and state["case"]["active"]:
            rows += [
                {"case_no": sc["case_no"], "run_date": day, "review_code": c}
                for c in state["case"]["reviews"]
            ]
        elif table == "outreach_candidates" and state["outreach"]:
            rows.append({"household_id": hno, "run_date": day, **state["outreach"]})
        elif table == "verification_reports" and state["verification_report"]:
            rows.append(
                {"request_id": sc["request_id"], "run_date": day, **state["verification_report"]}
            )
        elif table == "low_income_population":
            rows += [
                {
                    "id_number": pid,
                    "household_id": hno,
                    "run_date": day,
                    "category": cats[0],
                    "categories": cats,
                }
                for pid, cats in state["population"].items()
            ]
    return rows
