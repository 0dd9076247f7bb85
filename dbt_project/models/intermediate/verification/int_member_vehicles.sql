-- Vehicles of each member (docs/policy.md §5 test 2): the non-exempt and all registered vehicles
-- of int_member_vehicle_registrations (a car or truck with status normal fails the test).

select
    id_number,
    cast(sum(case when non_exempt then 1 else 0 end) as {{ dbt.type_bigint() }})
        as non_exempt_vehicles,
    count(*) as registered_vehicles
from {{ ref('int_member_vehicle_registrations') }}
group by id_number
