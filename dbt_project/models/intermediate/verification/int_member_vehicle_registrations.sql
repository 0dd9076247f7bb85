-- Every vehicle registered to a member (docs/policy.md §5 test 2), one row per vehicle: a car or
-- truck with status normal fails the test (non_exempt); disability vehicles, motorcycles,
-- low-speed and other vehicles are exempt. The finest grain the rules read: int_member_vehicles
-- counts it per member, the mart member_vehicles publishes it (plates masked). A member out of
-- local coverage has one row per non-exempt vehicle their partner region's answer reports
-- (type cross_region:<region code>, no plate, as of the answer's date; docs/policy.md §11).

with local_vehicles as (

    select
        vehicle.owner_id_number as id_number,
        vehicle.plate_no,
        vehicle.vehicle_type,
        vehicle.status,
        vehicle.first_register_date,
        non_exempt_type.member is not null and vehicle.status = 'normal' as non_exempt,
        -- a stable order that reveals nothing of the plate and sorts alike on every database
        cast(row_number() over (
            partition by vehicle.owner_id_number
            order by {{ dbt.hash('vehicle.plate_no') }}
        ) as {{ dbt.type_bigint() }}) as vehicle_seq,
        cast(null as date) as as_of_date
    from {{ ref('stg_vehicle') }} as vehicle
    inner join {{ ref('int_persons') }} as persons
        on persons.id_number = vehicle.owner_id_number
    left join {{ ref('int_policy_categories') }} as non_exempt_type
        on
            non_exempt_type.category = 'non_exempt_vehicle_types'
            and non_exempt_type.member = vehicle.vehicle_type

),

local_counts as (

    select
        id_number,
        count(*) as vehicles
    from local_vehicles
    group by id_number

),

numbers as (

    {{ hedui.counting_numbers(ref('int_cross_region_answers'), 'non_exempt_vehicles') }}

),

remote_vehicles as (

    select
        answers.id_number,
        cast(null as {{ dbt.type_string() }}) as plate_no,
        'cross_region:' || answers.region_code as vehicle_type,
        'normal' as status,
        cast(null as date) as first_register_date,
        true as non_exempt,
        cast(
            coalesce(local_counts.vehicles, 0) + numbers.generated_number
            as {{ dbt.type_bigint() }}
        ) as vehicle_seq,
        answers.as_of as as_of_date
    from {{ ref('int_cross_region_answers') }} as answers
    inner join numbers on numbers.generated_number <= answers.non_exempt_vehicles
    left join local_counts on local_counts.id_number = answers.id_number

)

select
    id_number,
    plate_no,
    vehicle_type,
    status,
    first_register_date,
    non_exempt,
    vehicle_seq,
    as_of_date
from local_vehicles
union all
select
    id_number,
    plate_no,
    vehicle_type,
    status,
    first_register_date,
    non_exempt,
    vehicle_seq,
    as_of_date
from remote_vehicles
