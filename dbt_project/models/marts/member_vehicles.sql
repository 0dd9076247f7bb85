-- 车辆明细: every vehicle registered to a member (policy.md §5 test 2), one row per vehicle.
-- A car or truck with status normal fails the test (non_exempt); disability vehicles,
-- motorcycles, low-speed and other vehicles are exempt. Plate numbers are personal data: only
-- their last characters show (hedui.mask_keep_last). Pseudonymised: person_key only.

with params as (

    select run_date from {{ ref('int_policy_parameters') }}

),

status as (

    select data_as_of from {{ ref('int_source_status') }} where source = 'vehicle'

),

vehicles as (

    select
        vehicle.owner_id_number as id_number,
        vehicle.plate_no,
        vehicle.vehicle_type,
        vehicle.status,
        vehicle.first_register_date,
        vehicle.vehicle_type in {{ hedui.sql_list(var('non_exempt_vehicle_types')) }}
            and vehicle.status = 'normal' as non_exempt,
        -- a stable order that reveals nothing of the plate and sorts alike on every database
        row_number() over (
            partition by vehicle.owner_id_number
            order by {{ dbt.hash('vehicle.plate_no') }}
        ) as vehicle_seq
    from {{ ref('stg_vehicle') }} as vehicle
    inner join {{ ref('int_persons') }} as persons
        on persons.id_number = vehicle.owner_id_number

),

identity as (

    select id_number, person_key from {{ source('hedui', 'identity') }}

)

select
    cast(identity.person_key as {{ dbt.type_string() }}) as person_key,
    params.run_date,
    cast(vehicles.vehicle_seq as {{ dbt.type_bigint() }}) as vehicle_seq,
    cast({{ hedui.mask_keep_last('vehicles.plate_no') }} as {{ dbt.type_string() }})
        as plate_masked,
    cast(vehicles.vehicle_type as {{ dbt.type_string() }}) as vehicle_type,
    cast(vehicles.status as {{ dbt.type_string() }}) as status,
    vehicles.first_register_date,
    vehicles.non_exempt,
    status.data_as_of as as_of_date
from vehicles
cross join params
left join status on 1 = 1
left join identity on identity.id_number = vehicles.id_number
