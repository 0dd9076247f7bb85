"""The result tables of a simulation, computed in SQL over the sandbox (hukou households).

Every table is a polars DataFrame carrying ``reform_hash``, ``published_version`` and
``code_version``. Amounts are whole yuan a month; a household whose amount is null (tier
undecided, or expenditure_hardship, whose amount the rules do not set) is never counted as zero:
it is left out of the sums and counted in ``households_without_amount``.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

TIERS = ("tekun", "dibao", "low_income", "expenditure_hardship", "none")
ROLL_TIERS = {
    "dibao": "dibao",
    "tekun_centralized": "tekun",
    "tekun_dispersed": "tekun",
    "low_income": "low_income",
    "expenditure_hardship": "expenditure_hardship",
}


@dataclass(frozen=True)
class Stamp:
    """What every result carries."""

    reform_hash: str
    published_version: str
    code_version: str

    def apply(self, frame: pl.DataFrame) -> pl.DataFrame:
        return frame.with_columns(
            pl.lit(self.reform_hash).alias("reform_hash"),
            pl.lit(self.published_version).alias("published_version"),
            pl.lit(self.code_version).alias("code_version"),
        )


def _num(expr: str) -> str:
    """A decimal as short text (1100.0000 -> 1100, 1.5000 -> 1.5)."""
    return (
        f"regexp_replace(regexp_replace(cast({expr} as varchar), '(\\.[0-9]*?)0+$', '\\1'),"
        " '\\.$', '')"
    )


def _schema(prefix: str, name: str) -> str:
    return f'"{prefix}{name}"'


def households_sql(reform_prefix: str, base_prefix: str = "") -> str:
    """One row per hukou household: baseline and reform tier, amount, and the rule that flipped."""
    b_int, r_int = _schema(base_prefix, "intermediate"), _schema(reform_prefix, "intermediate")
    n = _num
    return f"""
with bp as (select * from {b_int}.int_policy_parameters),
rp as (select * from {r_int}.int_policy_parameters),
assisted as (
    select distinct members.household_id
    from intermediate.int_household_members as members
    inner join intermediate.int_active_case_members as active
        on active.id_number = members.id_number
    where members.household_kind = 'hukou'
),
kinds as (
    select
        members.household_id,
        bool_or(attrs.age >= bp.elderly_age) as elderly,
        bool_or(attrs.disability_grade is not null) as disability,
        bool_or(attrs.age < bp.working_age_min) as children
    from intermediate.int_household_members as members
    inner join intermediate.int_member_attributes as attrs on attrs.id_number = members.id_number
    cross join bp
    where members.household_kind = 'hukou'
    group by members.household_id
),
joined as (
    select
        b.household_id,
        h.district_code,
        b.member_count,
        b.income_per_capita,
        b.rigid_expenditure_per_capita,
        b.tier as baseline_tier,
        b.monthly_amount as baseline_amount,
        r.tier as reform_tier,
        r.monthly_amount as reform_amount,
        b.a1_cash_assets_failed as b_a1, r.a1_cash_assets_failed as r_a1,
        b.a3_homes_failed as b_a3, r.a3_homes_failed as r_a3,
        figures.severe_members,
        b.complete,
        assisted.household_id is not null as assisted,
        coalesce(kinds.elderly, false) as elderly,
        coalesce(kinds.disability, false) as disability,
        coalesce(kinds.children, false) as children
    from {b_int}.int_household_results as b
    inner join {r_int}.int_household_results as r
        on r.household_kind = b.household_kind and r.household_id = b.household_id
    inner join intermediate.int_household_figures as figures
        on figures.household_kind = b.household_kind and figures.household_id = b.household_id
    left join marts.households as h on h.household_id = b.household_id
    left join assisted on assisted.household_id = b.household_id
    left join kinds on kinds.household_id = b.household_id
    where b.household_kind = 'hukou'
)
select
    joined.*,
    coalesce(baseline_amount, 0) > 0 as baseline_paid,
    coalesce(reform_amount, 0) > 0 as reform_paid,
    reform_amount - baseline_amount as amount_change,
    case
        when baseline_tier is not distinct from reform_tier
            and baseline_amount is not distinct from reform_amount then null
        when b_a1 is distinct from r_a1 then
            'A1 cash-type assets ' || case when r_a1 then 'above' else 'within' end
            || ' the limit per person ' || {n("rp.asset_limit_per_person")}
            || ' (was ' || {n("bp.asset_limit_per_person")} || ')'
        when b_a3 is distinct from r_a3 then
            'A3 homes: more than ' || {n("rp.max_residential_homes")}
            || ' and area per person not below ' || {n("rp.city_avg_living_area_m2")} || ' m2'
        when baseline_tier is distinct from reform_tier then
            case reform_tier
                when 'tekun' then 'tekun: income per capita ' || {n("income_per_capita")}
                    || ' below dibao_standard ' || {n("rp.dibao_standard")} || ' (was '
                    || {n("bp.dibao_standard")} || '), every member lacks capacity to work'
                when 'dibao' then 'dibao: income per capita ' || {n("income_per_capita")}
                    || ' below dibao_standard ' || {n("rp.dibao_standard")} || ' (was '
                    || {n("bp.dibao_standard")} || ')'
                when 'low_income' then 'low_income: income per capita '
                    || {n("income_per_capita")} || ' below low_income_line '
                    || {n("rp.low_income_line")} || ' (was ' || {n("bp.low_income_line")}
                    || '), not below dibao_standard ' || {n("rp.dibao_standard")}
                when 'expenditure_hardship' then 'expenditure_hardship: income per capita '
                    || {n("income_per_capita")} || ' minus rigid expenditure '
                    || {n("rigid_expenditure_per_capita")} || ' below low_income_line '
                    || {n("rp.low_income_line")} || ' (was ' || {n("bp.low_income_line")} || ')'
                when 'none' then 'none: income per capita ' || {n("income_per_capita")}
                    || ' not below low_income_line ' || {n("rp.low_income_line")}
                    || ' (was ' || {n("bp.low_income_line")} || ')'
                else 'undecided under the reform (a source the rule needs is unusable)'
            end
        else
            case reform_tier
                when 'dibao' then 'dibao amount: (dibao_standard ' || {n("rp.dibao_standard")}
                    || ' - income per capita ' || {n("income_per_capita")} || ') x '
                    || member_count || ' members (dibao_standard was '
                    || {n("bp.dibao_standard")} || ')'
                when 'tekun' then 'tekun amount: tekun_dispersed '
                    || {n("rp.tekun_dispersed")} || ' x ' || member_count
                    || ' members (was ' || {n("bp.tekun_dispersed")} || ')'
                when 'low_income' then 'low_income amount: low_income_aid '
                    || {n("rp.low_income_aid")} || ' + dibao_standard '
                    || {n("rp.dibao_standard")} || ' x ' || severe_members
                    || ' single-person dibao members (was ' || {n("bp.low_income_aid")}
                    || ' + ' || {n("bp.dibao_standard")} || ')'
                else 'amount changed'
            end
    end as rule_flipped
from joined
cross join bp
cross join rp
"""


def _q(con: duckdb.DuckDBPyConnection, sql: str) -> pl.DataFrame:
    return con.sql(sql).pl()


def tier_counts(con: duckdb.DuckDBPyConnection, view: str) -> pl.DataFrame:
    """Headline: households and persons per tier, baseline vs reform, and the change."""
    order = ", ".join(f"('{t}', {i})" for i, t in enumerate(TIERS))
    return _q(
        con,
        f"""
with tiers(tier, ord) as (values {order}, ('undecided', {len(TIERS)})),
b as (select coalesce(baseline_tier, 'undecided') as tier, count(*) as households,
             sum(member_count) as persons from {view} group by 1),
r as (select coalesce(reform_tier, 'undecided') as tier, count(*) as households,
             sum(member_count) as persons from {view} group by 1)
select tiers.tier,
    coalesce(b.households, 0) as baseline_households,
    coalesce(r.households, 0) as reform_households,
    coalesce(r.households, 0) - coalesce(b.households, 0) as change_households,
    cast(coalesce(b.persons, 0) as bigint) as baseline_persons,
    cast(coalesce(r.persons, 0) as bigint) as reform_persons,
    cast(coalesce(r.persons, 0) - coalesce(b.persons, 0) as bigint) as change_persons
from tiers left join b using (tier) left join r using (tier)
order by tiers.ord""",
    )


def _cost_columns() -> str:
    return """
    count(*) filter (where baseline_amount is not null and reform_amount is not null)
        as households_costed,
    count(*) filter (where baseline_amount is null or reform_amount is null)
        as households_without_amount,
    cast(coalesce(sum(baseline_amount) filter (where reform_amount is not null), 0) as bigint)
        as baseline_monthly,
    cast(coalesce(sum(reform_amount) filter (where baseline_amount is not null), 0) as bigint)
        as reform_monthly,
    count(*) filter (where not baseline_paid and reform_paid
                     and baseline_amount is not null) as new_entrants,
    cast(coalesce(sum(reform_amount) filter (where not baseline_paid and reform_paid
                  and baseline_amount is not null), 0) as bigint) as new_entrants_monthly,
    count(*) filter (where baseline_paid and reform_amount is not null)
        as current_recipients,
    cast(coalesce(sum(amount_change) filter (where baseline_paid), 0) as bigint)
        as current_recipients_change_monthly,
    cast(coalesce(sum(amount_change), 0) as bigint) as change_monthly,
    cast(coalesce(sum(amount_change), 0) * 12 as bigint) as change_annual"""


def cost(con: duckdb.DuckDBPyConnection, view: str) -> pl.DataFrame:
    """Monthly and annual cost: new entrants (not paid in the baseline) and the change for
    current recipients (paid in the baseline; a leaver's change is negative)."""
    return _q(con, f"select {_cost_columns()} from {view}")


def cost_by_district(con: duckdb.DuckDBPyConnection, view: str) -> pl.DataFrame:
    return _q(
        con,
        f"select coalesce(district_code, 'unknown') as district_code, "
        f"{_cost_columns()} from {view} group by 1 order by 1",
    )


def transitions(con: duckdb.DuckDBPyConnection, view: str) -> pl.DataFrame:
    """Tier transition matrix: one row per baseline tier, one column per reform tier."""
    cols = [*TIERS, "undecided"]
    counts = ", ".join(
        f"count(*) filter (where coalesce(reform_tier, 'undecided') = '{t}') as \"{t}\""
        for t in cols
    )
    order = ", ".join(f"('{t}', {i})" for i, t in enumerate(cols))
    return _q(
        con,
        f"""
with tiers(baseline_tier, ord) as (values {order}),
m as (select coalesce(baseline_tier, 'undecided') as baseline_tier, {counts}
      from {view} group by 1)
select tiers.baseline_tier, {", ".join(f'coalesce(m."{t}", 0) as "{t}"' for t in cols)}
from tiers left join m using (baseline_tier) order by tiers.ord""",
    )


def _movers() -> str:
    return """count(*) as households,
    count(*) filter (where amount_change > 0
                     or (baseline_tier = 'none' and reform_tier not in ('none'))) as gainers,
    count(*) filter (where amount_change < 0
                     or (reform_tier = 'none' and baseline_tier not in ('none'))) as losers,
    count(*) filter (where baseline_tier is distinct from reform_tier) as tier_changed,
    cast(coalesce(sum(amount_change), 0) as bigint) as change_monthly"""


def movers_by_decile(con: duckdb.DuckDBPyConnection, view: str) -> pl.DataFrame:
    """Gainers and losers by decile of baseline per-capita income (households with a known
    income; decile 1 = the lowest)."""
    return _q(
        con,
        f"""
with d as (select *, ntile(10) over (order by income_per_capita, household_id) as decile
           from {view} where income_per_capita is not null)
select decile, min(income_per_capita) as income_from, max(income_per_capita) as income_to,
    {_movers()}
from d group by decile order by decile""",
    )


def movers_by_type(con: duckdb.DuckDBPyConnection, view: str) -> pl.DataFrame:
    """Gainers and losers by household type: with an elderly member (age >= elderly_age), a
    member with a disability certificate, a child (age < working_age_min), or none of these.
    A household can be of several types."""
    parts = [
        f"select '{k}' as household_type, {i} as ord, {_movers()} from {view} where {w}"
        for i, (k, w) in enumerate(
            (
                ("elderly", "elderly"),
                ("disability", "disability"),
                ("children", "children"),
                ("none of these", "not (elderly or disability or children)"),
            )
        )
    ]
    return _q(con, " union all ".join(parts) + " order by ord").drop("ord")


def persons_below(con: duckdb.DuckDBPyConnection, view: str, reform_prefix: str) -> pl.DataFrame:
    """Persons in households below the dibao standard and the low-income line, before and
    after (lines from each side's parameters; households with a known income)."""
    r_int = _schema(reform_prefix, "intermediate")
    return _q(
        con,
        f"""
with bp as (select * from intermediate.int_policy_parameters),
rp as (select * from {r_int}.int_policy_parameters)
select 'dibao_standard' as line, any_value(bp.dibao_standard) as baseline_line,
    any_value(rp.dibao_standard) as reform_line,
    cast(coalesce(sum(member_count) filter (where income_per_capita < bp.dibao_standard), 0)
         as bigint) as baseline_persons,
    cast(coalesce(sum(member_count) filter (where income_per_capita < rp.dibao_standard), 0)
         as bigint) as reform_persons
from {view} cross join bp cross join rp
union all
select 'low_income_line', any_value(bp.low_income_line), any_value(rp.low_income_line),
    cast(coalesce(sum(member_count) filter (where income_per_capita < bp.low_income_line), 0)
         as bigint),
    cast(coalesce(sum(member_count) filter (where income_per_capita < rp.low_income_line), 0)
         as bigint)
from {view} cross join bp cross join rp""",
    ).with_columns((pl.col("reform_persons") - pl.col("baseline_persons")).alias("change_persons"))


def take_up(con: duckdb.DuckDBPyConnection, view: str, cost_row: dict) -> pl.DataFrame:
    """Cost at full take-up and at today's observed take-up rate (baseline-paid households on
    an active assistance case / baseline-paid households). Current recipients' changes are paid
    in full; new entrants at the observed rate."""
    eligible, assisted = con.sql(
        f"select count(*) filter (where baseline_paid), "
        f"count(*) filter (where baseline_paid and assisted) from {view}"
    ).fetchall()[0]
    rate = assisted / eligible if eligible else None
    new, current = cost_row["new_entrants_monthly"], cost_row["current_recipients_change_monthly"]
    full = cost_row["change_monthly"]
    observed = None if rate is None else round(current + new * rate)
    return pl.DataFrame(
        {
            "eligible_households_baseline": [eligible],
            "eligible_households_assisted": [assisted],
            "observed_take_up_rate": [None if rate is None else round(rate, 4)],
            "change_monthly_full_take_up": [full],
            "change_annual_full_take_up": [full * 12],
            "change_monthly_observed_take_up": [observed],
            "change_annual_observed_take_up": [None if observed is None else observed * 12],
        }
    )


def calibration(con: duckdb.DuckDBPyConnection, view: str) -> pl.DataFrame:
    """The simulated baseline beside the actual assistance roll (active cases), per tier."""
    roll_map = " ".join(f"when '{k}' then '{v}'" for k, v in ROLL_TIERS.items())
    order = ", ".join(f"('{t}', {i})" for i, t in enumerate(TIERS[:-1]))
    return _q(
        con,
        f"""
with tiers(tier, ord) as (values {order}),
sim as (select baseline_tier as tier, count(*) as households,
               cast(sum(baseline_amount) as bigint) as amount
        from {view} where baseline_tier in ({", ".join(f"'{t}'" for t in TIERS[:-1])})
        group by 1),
roll as (
    select case cases.assistance_type {roll_map} end as tier,
           count(distinct cases.case_no) as cases,
           cast(sum(rows.monthly_amount) as decimal(18, 2)) as amount
    from intermediate.int_cases as cases
    inner join staging.stg_assistance_roll as rows on rows.case_no = cases.case_no
    where cases.is_active
    group by 1)
select tiers.tier,
    coalesce(sim.households, 0) as simulated_households,
    sim.amount as simulated_monthly,
    coalesce(roll.cases, 0) as roll_active_cases,
    coalesce(roll.amount, 0) as roll_monthly,
    coalesce(sim.households, 0) - coalesce(roll.cases, 0) as gap_households
from tiers left join sim using (tier) left join roll using (tier)
order by tiers.ord""",
    )


def household_table(con: duckdb.DuckDBPyConnection, view: str) -> pl.DataFrame:
    """Per household whose tier or amount changes (household number only, no person data)."""
    return _q(
        con,
        f"""
select household_id, district_code, member_count, income_per_capita,
    baseline_tier, baseline_amount, reform_tier, reform_amount, amount_change,
    rule_flipped, baseline_tier = 'none' and reform_tier <> 'none' as new_eligible, assisted,
    complete
from {view}
where baseline_tier is distinct from reform_tier
   or baseline_amount is distinct from reform_amount
order by household_id""",
    )


def outreach(con: duckdb.DuckDBPyConnection, view: str) -> pl.DataFrame:
    """New eligible households nobody assists: the outreach list of the reform."""
    return _q(
        con,
        f"""
select household_id, district_code, member_count, reform_tier as tier,
    reform_amount as monthly_amount, rule_flipped as reason, complete
from {view}
where baseline_tier = 'none' and reform_tier <> 'none' and not assisted
order by household_id""",
    )
