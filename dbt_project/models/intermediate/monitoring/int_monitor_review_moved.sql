-- Reviews of current recipients (动态调整, docs/policy.md §8), one row per active assistance_roll case
-- (start_date <= D, end_date empty or >= D) for which this review fires, with evidence.
-- R_MOVED: a case member's hukou status is moved_out. Evidence: the hukou row.
{%- set money = hedui.type_money() %}

with members as (

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
        'R_MOVED' as review_code,
        1 as item_group,
        {{ hedui.evidence_item(
            source="'hukou'", file='hukou.source_file', line='hukou.source_line',
            person_key='members.person_key', day='hukou.status_date',
            item="'moved_out'") }} as item
    from members
    inner join hukou on hukou.id_number = members.id_number
    where hukou.status = 'moved_out'

)

select
    items.case_no,
    'R_MOVED' as review_code,
    {{ hedui.evidence_list('items.item', 'items.item_group, items.item') }} as evidence
from items
group by items.case_no
