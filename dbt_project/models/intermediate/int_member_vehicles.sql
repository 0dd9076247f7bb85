-- Vehicles of each member (policy.md §5 test 2): a car or truck with status normal fails the
-- test; disability vehicles, motorcycles, low-speed and other vehicles are exempt.

select
    vehicle.owner_id_number as id_number,
    cast(sum(
        case
            when vehicle.vehicle_type in {{ hedui.sql_list(var('non_exempt_vehicle_types')) }}
                and vehicle.status = 'normal'
            then 1 else 0
        end
    ) as {{ dbt.type_bigint() }}) as non_exempt_vehicles,
    count(*) as registered_vehicles
from {{ ref('stg_vehicle') }} as vehicle
inner join {{ ref('int_persons') }} as persons
    on persons.id_number = vehicle.owner_id_number
group by vehicle.owner_id_number
