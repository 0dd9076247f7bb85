-- 车辆明细: every vehicle registered to a member (docs/policy.md §5 test 2), one row per vehicle.
-- A car or truck with status normal fails the test (non_exempt); disability vehicles,
-- motorcycles, low-speed and other vehicles are exempt, as the rules read them
-- (int_member_vehicle_registrations). Plate numbers are personal data: only
-- their last characters show (hedui.mask_keep_last). Pseudonymised: person_key only.

with params as (

    select run_date from {{ ref('int_policy_parameters') }}

),

status as (

    select data_as_of from {{ ref('int_source_status') }}
    where source = 'vehicle'

),

identity as (

    select id_number, person_key from {{ source('hedui', 'identity') }}

)

select
    cast(identity.person_key as {{ dbt.type_string() }}) as person_key,
    params.run_date,
    vehicles.vehicle_seq,
    cast({{ hedui.mask_keep_last('vehicles.plate_no') }} as {{ dbt.type_string() }})
        as plate_masked,
    cast(vehicles.vehicle_type as {{ dbt.type_string() }}) as vehicle_type,
    cast(vehicles.status as {{ dbt.type_string() }}) as status,
    vehicles.first_register_date,
    vehicles.non_exempt,
    coalesce(vehicles.as_of_date, status.data_as_of) as as_of_date
from {{ ref('int_member_vehicle_registrations') }} as vehicles
cross join params
left join status on 1 = 1
left join identity on identity.id_number = vehicles.id_number
