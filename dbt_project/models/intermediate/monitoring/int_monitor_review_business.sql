-- Reviews of current recipients (动态调整, docs/policy.md §8), one row per active assistance_roll case
-- (start_date <= D, end_date empty or >= D) for which this review fires, with evidence.
-- R_BUSINESS: a living member is investor in an active market entity established after the
-- case start. Evidence: the case start and the investor rows.
{%- set money = hedui.type_money() %}

with cases as (

    select case_no, start_date
    from {{ ref('int_monitor_review_cases') }}

),

members as (

    select case_no, id_number, person_key
    from {{ ref('int_monitor_review_case_members') }}
    where is_living

),

items as (

    select distinct
        cases.case_no,
        'R_BUSINESS' as review_code,
        0 as item_group,
        {{ hedui.evidence_item(
            source="'assistance_roll'", record='cases.case_no', day='cases.start_date',
            item="'case_start_date'") }} as item
    from cases
    inner join members on members.case_no = cases.case_no
    inner join {{ ref('stg_market_entity') }} as entity
        on entity.person_id_number = members.id_number
    where
        entity.role = 'investor'
        and entity.status = 'active'
        and entity.established_date > cases.start_date

    union all

    select
        cases.case_no,
        'R_BUSINESS' as review_code,
        1 as item_group,
        {{ hedui.evidence_item(
            source="'market_entity'", file='entity.source_file', line='entity.source_line',
            person_key='members.person_key',
            day='entity.established_date', item="'investor_' || entity.entity_type",
            amount='cast(entity.subscribed_capital as ' ~ money ~ ')') }} as item
    from cases
    inner join members on members.case_no = cases.case_no
    inner join {{ ref('stg_market_entity') }} as entity
        on entity.person_id_number = members.id_number
    where
        entity.role = 'investor'
        and entity.status = 'active'
        and entity.established_date > cases.start_date

)

select
    items.case_no,
    'R_BUSINESS' as review_code,
    {{ hedui.evidence_list('items.item', 'items.item_group, items.item') }} as evidence
from items
group by items.case_no
