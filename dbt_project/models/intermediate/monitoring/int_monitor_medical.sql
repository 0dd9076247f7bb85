-- W_MEDICAL (docs/policy.md §8) per hukou household: an inpatient claim with out_of_pocket >=
-- inpatient_oop_alert settled in the last warning_horizon_days days, or a 12-month out-of-pocket
-- total (section 4, settled in (D - 1 year, D]) > 0 and >= medical_income_share of the 12-month
-- household income (section 3, summed over the income window); red when both, else orange.
{%- set wide = hedui.type_wide_amount() %}
{%- set money = hedui.type_money() %}

with params as (

    select
        run_date,
        last_year_start,
        {{ hedui.days_before('run_date', 'warning_horizon_days') }} as horizon_start,
        cast(inpatient_oop_alert as {{ wide }}) as inpatient_alert,
        cast(medical_income_share as {{ wide }}) as income_share
    from {{ ref('int_policy_parameters') }}

),

members as (

    select household_id, id_number
    from {{ ref('int_household_members') }}
    where household_kind = 'hukou'

),

totals as (

    select household_id, out_of_pocket_12m, income_12m
    from {{ ref('int_monitor_household_totals') }}

),

claims as (

    select
        members.household_id,
        claims.claim_id,
        claims.id_number,
        claims.settle_date,
        claims.visit_type,
        claims.out_of_pocket,
        claims.source_file,
        claims.source_line,
        claims.visit_type = 'inpatient'
        and claims.out_of_pocket >= params.inpatient_alert
        and claims.settle_date > params.horizon_start as is_alert
    from members
    inner join {{ ref('stg_medical_claims') }} as claims
        on claims.id_number = members.id_number
    cross join params
    where
        claims.settle_date > params.last_year_start
        and claims.settle_date <= params.run_date

),

alerts as (

    select household_id, {{ dbt.bool_or('is_alert') }} as inpatient
    from claims
    group by household_id

),

decisions as (

    select
        totals.household_id,
        totals.out_of_pocket_12m,
        totals.income_12m,
        coalesce(alerts.inpatient, false) as inpatient,
        totals.out_of_pocket_12m > 0
        and totals.out_of_pocket_12m >= params.income_share * totals.income_12m as share
    from totals
    cross join params
    left join alerts on alerts.household_id = totals.household_id

),

fired as (

    select
        household_id,
        out_of_pocket_12m,
        income_12m,
        inpatient,
        share,
        case when inpatient and share then 'red' else 'orange' end as severity
    from decisions
    where inpatient or share

),

items as (

    select
        fired.household_id,
        0 as item_group,
        {{ hedui.evidence_item(
            source="'computed'",
            item="'household_out_of_pocket_12_months'",
            amount='cast(fired.out_of_pocket_12m as ' ~ money ~ ')') }} as item
    from fired

    union all

    select
        fired.household_id,
        0 as item_group,
        {{ hedui.evidence_item(
            source="'computed'",
            item="'household_income_12_months'",
            amount='cast(fired.income_12m as ' ~ money ~ ')') }} as item
    from fired

    union all

    -- the alert claims, and when the share fired every claim with out-of-pocket in the 12 months
    select
        fired.household_id,
        1 as item_group,
        {{ hedui.evidence_item(
            source="'medical_claims'",
            file='claims.source_file',
            line='claims.source_line',
            record='claims.claim_id',
            person_key='identity.person_key',
            day='claims.settle_date',
            item="'out_of_pocket_' || claims.visit_type",
            amount='cast(claims.out_of_pocket as ' ~ money ~ ')') }} as item
    from fired
    inner join claims on claims.household_id = fired.household_id
    left join {{ source('hedui', 'identity') }} as identity
        on identity.id_number = claims.id_number
    where
        claims.is_alert
        or (fired.share and claims.out_of_pocket > 0)

)

select
    fired.household_id,
    'W_MEDICAL' as warning_code,
    fired.severity,
    {{ hedui.evidence_list('items.item', 'items.item_group, items.item') }} as evidence
from fired
inner join items on items.household_id = fired.household_id
group by fired.household_id, fired.severity
