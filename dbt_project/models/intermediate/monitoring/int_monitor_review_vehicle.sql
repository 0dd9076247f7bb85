-- Reviews of current recipients (动态调整, docs/policy.md §8), one row per active assistance_roll case
-- (start_date <= D, end_date empty or >= D) for which this review fires, with evidence.
-- R_VEHICLE: asset test A2 fails. Evidence: the car and truck rows with status normal (plate
-- masked as in member_vehicles).
{%- set money = hedui.type_money() %}

with cases as (

    select case_no, a2_vehicle_failed
    from {{ ref('int_monitor_review_cases') }}

),

members as (

    select case_no, id_number, person_key
    from {{ ref('int_monitor_review_case_members') }}
    where is_living

),

items as (

    select
        cases.case_no,
        'R_VEHICLE' as review_code,
        1 as item_group,
        {{ hedui.evidence_item(
            source="'vehicle'", file='vehicle.source_file', line='vehicle.source_line',
            record=hedui.mask_keep_last('vehicle.plate_no'), person_key='members.person_key',
            day='vehicle.first_register_date', item='vehicle.vehicle_type') }} as item
    from cases
    inner join members on members.case_no = cases.case_no
    inner join {{ ref('stg_vehicle') }} as vehicle on vehicle.owner_id_number = members.id_number
    where
        cases.a2_vehicle_failed
        and vehicle.vehicle_type in {{ hedui.policy_category('non_exempt_vehicle_types') }}
        and vehicle.status = 'normal'

)

select
    items.case_no,
    'R_VEHICLE' as review_code,
    {{ hedui.evidence_list('items.item', 'items.item_group, items.item') }} as evidence
from items
group by items.case_no
