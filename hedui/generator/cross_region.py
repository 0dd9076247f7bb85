"""Members from other regions (docs/policy.md §11): the partner regions' data and ground truth.

A scenario member with ``Member.region`` has an ID number of that region and no row in the
city's hukou source; a ``Remote`` fact says what that region holds on them. This module

- writes each partner region's data for the reference partner service,
  ``<out>/_partners/<region code>/persons.jsonl``, one JSON object per person the region holds:
  ``{"id_number", "income_months": [{"period", "item", "amount"}...] (the 24 full months before
  the run date), "cash_assets", "residential_homes", "residential_floor_area",
  "non_exempt_vehicles"}``; a person absent from the file is ``not_found``. Only Beijing
  (110000) and Hebei (130000) are partners; any other region has no file;
- derives the expected request result before any answer and after every partner answered,
  with the same reference computation as the local data (scenario_truth.DayData): an answer's
  figures count exactly as local rows would.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from hedui.generator import scenario_spec as sp
from hedui.generator.scenario_rows import PREFIX, World
from hedui.generator.scenario_time import full_months_before
from hedui.generator.scenario_truth import DayData
from hedui.policy_params import PolicyParams

PARTNERS = ("110000", "130000")
PARTNERS_DIR = "_partners"
PARTNER_FILE = "persons.jsonl"
PARTNER_MONTHS = 24


def remote_facts(world: World) -> list[tuple[sp.Scenario, sp.Remote]]:
    """Every Remote fact with its scenario, in catalog order."""
    return [(s, f) for s in world.scenarios for f in s.facts if isinstance(f, sp.Remote)]


def _region(world: World, s: sp.Scenario, key: str) -> str | None:
    return world.person(s.code, key).member.region


def _months(f: sp.Remote) -> list[tuple[str, Decimal]]:
    items = (("wage", f.wage), ("enterprise_pension", f.pension))
    items += (("resident_pension", f.resident_pension),)
    return [(item, Decimal(str(amount))) for item, amount in items if Decimal(str(amount))]


def partner_persons(world: World, run_date: date) -> dict[str, list[dict]]:
    """Region code -> the persons that partner region holds (sorted by ID number)."""
    periods = sorted(full_months_before(run_date, PARTNER_MONTHS))
    out: dict[str, list[dict]] = {region: [] for region in PARTNERS}
    for s, f in remote_facts(world):
        region = _region(world, s, f.member)
        if region not in PARTNERS or not f.held:
            continue
        out[region].append(
            {
                "id_number": world.person(s.code, f.member).id_number,
                "income_months": [
                    {"period": p, "item": item, "amount": str(amount)}
                    for p in periods
                    for item, amount in _months(f)
                ],
                "cash_assets": str(Decimal(str(f.cash))),
                "residential_homes": f.homes,
                "residential_floor_area": str(Decimal(str(f.area))),
                "non_exempt_vehicles": f.vehicles,
            }
        )
    return {region: sorted(rows, key=lambda r: r["id_number"]) for region, rows in out.items()}


def write_partners(world: World, run_date: date, out: Path) -> list[Path]:
    """Write ``<out>/_partners/<region>/persons.jsonl`` for every partner region."""
    written = []
    for region, persons in partner_persons(world, run_date).items():
        path = Path(out) / PARTNERS_DIR / region / PARTNER_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        text = "".join(json.dumps(p, ensure_ascii=False, sort_keys=True) + "\n" for p in persons)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def _answer_rows(world: World, run_date: date, day: date) -> dict[str, list[dict]]:
    """The partners' answers written as the local rows they count as (policy.md §11)."""
    rows: dict[str, list[dict]] = {}

    def add(source: str, **row: object) -> None:
        rows.setdefault(source, []).append(row)

    periods = full_months_before(day, 12)
    for n, (s, f) in enumerate(remote_facts(world)):
        pid = world.person(s.code, f.member).id_number
        if _region(world, s, f.member) not in PARTNERS or not f.held:
            continue
        for item, amount in _months(f):
            for p in periods:
                if item == "wage":
                    add("tax", id_number=pid, period=p, income=amount)
                else:
                    add(
                        "social_insurance",
                        id_number=pid,
                        period=p,
                        record_type="benefit",
                        item=item,
                        amount=amount,
                        payment_status="paid",
                    )
        if f.cash:
            add("deposit", id_number=pid, balance_cny=Decimal(str(f.cash)))
        for _ in range(f.vehicles):
            add("vehicle", owner_id_number=pid, vehicle_type="car", status="normal")
        area = Fraction(Decimal(str(f.area)))
        for k in range(f.homes):
            add(
                "real_estate",
                cert_no=f"{PREFIX}-XR-{n:03d}-{k}",
                owner_id_number=pid,
                share_ratio=Decimal(1),
                property_use="residential",
                status="valid",
                floor_area_m2=Decimal(area.numerator) / Decimal(area.denominator) / f.homes,
            )
    return rows


def _merged(*parts: dict[str, list[dict]]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for part in parts:
        for source, rows in part.items():
            out.setdefault(source, []).extend(rows)
    return out


def _waiting_regions(world: World, s: sp.Scenario) -> list[str]:
    """Regions of the authorized request members out of local coverage."""
    assert s.request is not None
    return sorted(
        {
            region
            for key in s.request.members
            if key not in s.request.refused and (region := _region(world, s, key))
        }
    )


def _before(report: dict, failed: list[str], above_line: bool, regions: list[str]) -> dict:
    """The report while partner answers are missing: local figures are lower bounds, so only a
    failed asset test or an income not below the lines decides (policy.md §7); the reason
    codes are those the loaded figures already prove."""
    decided = bool(failed) or above_line
    return {
        "reason_codes": sorted(failed + (["I_INCOME_ABOVE_LINE"] if above_line else [])),
        "member_count": report["member_count"],
        "members_verified": report["members_verified"],
        "members_refused": report["members_refused"],
        "tier": "none" if decided else None,
        "monthly_amount": 0 if decided else None,
        "complete": False,
        "missing_sources": [f"cross_region:{r}" for r in regions],
    }


def request_truth(
    world: World, rows: dict[str, list[dict]], day: date, params: PolicyParams
) -> dict[str, dict]:
    """Scenario code -> {request_id, regions, before, after_answer} for every request with an
    authorized member from another region, on ``day`` (rows: that day's scenario rows)."""
    out: dict[str, dict] = {}
    local = DayData(rows, day, params)
    answered = DayData(_merged(rows, _answer_rows(world, world.run_date, day)), day, params)
    for s in world.scenarios:
        if s.request is None or not any(_region(world, s, k) for k in s.request.members):
            continue
        rid = world.request_id[s.code]
        req_rows = local.requests.get(rid)
        if not req_rows:
            continue
        regions = _waiting_regions(world, s)
        if not regions or s.request.refused:
            report = local.request_report(req_rows)
            out[s.code] = {"request_id": rid, "regions": regions, "before": report}
            out[s.code]["after_answer"] = report
            continue
        ids = [r["member_id_number"] for r in req_rows]
        base = local.request_report(req_rows)
        fig = local.figures(ids)
        line = Fraction(params.low_income_line)
        above = fig.income_pc >= line and fig.income_pc - fig.rigid_pc >= line
        before = _before(base, list(fig.failed), above, regions)
        unanswerable = [r for r in regions if r not in PARTNERS]
        if unanswerable:
            after = {**before, "missing_sources": [f"cross_region:{r}" for r in unanswerable]}
        else:
            after = {**answered.request_report(req_rows), "missing_sources": []}
        out[s.code] = {
            "request_id": rid,
            "regions": regions,
            "before": before,
            "after_answer": after,
        }
    return out


def members_from_other_regions(world: World, codes: Iterable[str]) -> dict[str, list[dict]]:
    """Scenario code -> its members from other regions (key, id_number, region, held)."""
    held = {(s.code, f.member): f.held for s, f in remote_facts(world)}
    out = {}
    for s in world.scenarios:
        if s.code not in codes:
            continue
        out[s.code] = [
            {
                "key": m.key,
                "id_number": world.person(s.code, m.key).id_number,
                "region": m.region,
                "partner": m.region in PARTNERS,
                "held": held.get((s.code, m.key), False),
            }
            for m in s.members
            if m.region
        ]
    return out
