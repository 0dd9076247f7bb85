-- member_assets adds up, per member, to the cash-type assets the rules use
-- (int_member_cash_assets), and member_vehicles counts the same non-exempt vehicles as
-- int_member_vehicles: rows where they disagree.

with identity as (

    select id_number, person_key from {{ source('hedui', 'identity') }}

),

detail as (

    select person_key, sum(amount) as cash_assets
    from {{ ref('member_assets') }}
    group by person_key

),

rules as (

    select identity.person_key, assets.cash_assets
    from {{ ref('int_member_cash_assets') }} as assets
    inner join identity on identity.id_number = assets.id_number

),

vehicle_detail as (

    select person_key, sum(case when non_exempt then 1 else 0 end) as non_exempt_vehicles
    from {{ ref('member_vehicles') }}
    group by person_key

),

vehicle_rules as (

    select identity.person_key, vehicles.non_exempt_vehicles
    from {{ ref('int_member_vehicles') }} as vehicles
    inner join identity on identity.id_number = vehicles.id_number

)

select
    'cash_assets' as figure,
    coalesce(detail.person_key, rules.person_key) as person_key,
    coalesce(detail.cash_assets, 0) as detail_value,
    coalesce(rules.cash_assets, 0) as rules_value
from detail
full outer join rules on rules.person_key = detail.person_key
where coalesce(detail.cash_assets, 0) <> coalesce(rules.cash_assets, 0)

union all

select
    'non_exempt_vehicles' as figure,
    coalesce(vehicle_detail.person_key, vehicle_rules.person_key) as person_key,
    coalesce(vehicle_detail.non_exempt_vehicles, 0) as detail_value,
    coalesce(vehicle_rules.non_exempt_vehicles, 0) as rules_value
from vehicle_detail
full outer join vehicle_rules on vehicle_rules.person_key = vehicle_detail.person_key
where
    coalesce(vehicle_detail.non_exempt_vehicles, 0)
    <> coalesce(vehicle_rules.non_exempt_vehicles, 0)
