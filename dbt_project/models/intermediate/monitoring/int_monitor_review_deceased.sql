-- Reviews of current recipients (动态调整, docs/policy.md §8), one row per active assistance_roll case
-- (start_date <= D, end_date empty or >= D) for which this review fires, with evidence.
-- R_DECEASED: a case member died (death record with death_date <= D, or hukou status
-- deceased). Evidence: the death record, else the hukou row.
{%- set money = hedui.type_money() %}

with params as (

    select run_date, dibao_standard, low_income_line, asset_limit_per_person
    from {{ ref('int_policy_parameters') }}

),

members as (

    select case_no, id_number, person_key
    from {{ ref('int_monitor_review_case_members') }}

),

hukou as (

    select id_number, status, status_date, source_file, source_line
    from {{ ref('stg_hukou') }}

),

items as (

    select
        members.case_no,
        'R_DECEASED' as review_code,
        1 as item_group,
        {{ hedui.evidence_item(
            source="case when death.id_number is not null then 'death' else 'hukou' end",
            file='coalesce(death.source_file, hukou.source_file)',
            line='coalesce(death.source_line, hukou.source_line)',
            person_key='members.person_key',
            day='coalesce(death.death_date, hukou.status_date)',
            item="'death'") }} as item
    from members
    inner join {{ ref('int_deaths') }} as dead on dead.id_number = members.id_number
    cross join params
    left join {{ ref('stg_death') }} as death
        on
            death.id_number = members.id_number
            and death.death_date <= params.run_date
    left join hukou on hukou.id_number = members.id_number

)

select
    items.case_no,
    'R_DECEASED' as review_code,
    {{ hedui.evidence_list('items.item', 'items.item_group, items.item') }} as evidence
from items
group by items.case_no
