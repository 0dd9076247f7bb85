-- 住房明细: the homes and commercial property of each member (docs/policy.md §5 tests 3 and 4), one
-- row per member and property: valid residential certificates the member owns any share of
-- (the home's full floor area counts) and public_rental contracts active on D, as
-- int_member_homes reads them (test A3), plus valid commercial certificates as
-- int_member_commercial_certificates reads them (test A4 fails on any). Certificate and
-- contract numbers are not personal IDs; owners appear as person_key only.

with params as (

    select run_date from {{ ref('int_policy_parameters') }}

),

status as (

    select source, data_as_of from {{ ref('int_source_status') }}

),

homes as (

    select
        homes.id_number,
        homes.home_id,
        homes.home_type,
        homes.home_no,
        homes.share_ratio,
        homes.floor_area_m2,
        'A3' as asset_test,
        case
            when homes.home_type = 'public_rental' then 'public_housing'
            when homes.home_type = 'cross_region' then 'cross_region:' || homes.home_no
            else 'real_estate'
        end as source
    from {{ ref('int_member_homes') }} as homes

),

commercial as (

    select
        certificates.id_number,
        'commercial:' || certificates.cert_no as home_id,
        'commercial' as home_type,
        certificates.cert_no as home_no,
        certificates.share_ratio,
        certificates.floor_area_m2,
        'A4' as asset_test,
        'real_estate' as source
    from {{ ref('int_member_commercial_certificates') }} as certificates

),

properties as (

    select
        id_number, home_id, home_type, home_no, share_ratio, floor_area_m2, asset_test, source
    from homes
    union all
    select
        id_number, home_id, home_type, home_no, share_ratio, floor_area_m2, asset_test, source
    from commercial

),

identity as (

    select id_number, person_key from {{ source('hedui', 'identity') }}

)

select
    cast(identity.person_key as {{ dbt.type_string() }}) as person_key,
    params.run_date,
    cast(properties.home_id as {{ dbt.type_string() }}) as home_id,
    cast(properties.home_type as {{ dbt.type_string() }}) as home_type,
    cast(properties.home_no as {{ dbt.type_string() }}) as cert_no,
    cast(properties.floor_area_m2 as {{ hedui.type_amount() }}) as floor_area_m2,
    cast(properties.share_ratio as {{ hedui.type_amount() }}) as share_ratio,
    cast(properties.asset_test as {{ dbt.type_string() }}) as asset_test,
    cast(properties.source as {{ dbt.type_string() }}) as source,
    coalesce(answers.as_of, status.data_as_of) as as_of_date
from properties
cross join params
left join status on status.source = properties.source
left join {{ ref('int_cross_region_answers') }} as answers
    on
        properties.home_type = 'cross_region'
        and answers.id_number = properties.id_number
left join identity on identity.id_number = properties.id_number
