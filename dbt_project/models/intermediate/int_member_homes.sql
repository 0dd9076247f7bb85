-- Residential homes of each member (policy.md §5 test 3): every valid residential certificate
-- the member owns any share of (the home's full floor area counts), and every public_rental
-- contract active on D (its contract floor area). home_id is unique per home, so a household
-- counts a shared certificate once. home_no (the certificate or contract number) and share_ratio
-- are for display.

with params as (

    select run_date from {{ ref('int_policy_parameters') }}

),

persons as (

    select id_number from {{ ref('int_persons') }}

),

residential as (

    select
        estate.cert_no,
        estate.owner_id_number,
        estate.share_ratio,
        estate.floor_area_m2
    from {{ ref('stg_real_estate') }} as estate
    where estate.property_use = 'residential'
        and estate.status = 'valid'

),

certificates as (

    select cert_no, max(floor_area_m2) as floor_area_m2
    from residential
    group by cert_no

),

owned as (

    select distinct
        residential.owner_id_number as id_number,
        'certificate:' || residential.cert_no as home_id,
        'certificate' as home_type,
        residential.cert_no as home_no,
        residential.share_ratio,
        certificates.floor_area_m2
    from residential
    inner join certificates on certificates.cert_no = residential.cert_no

),

rented as (

    select
        housing.id_number,
        'public_rental:' || housing.contract_no as home_id,
        'public_rental' as home_type,
        housing.contract_no as home_no,
        cast(null as {{ hedui.type_amount() }}) as share_ratio,
        coalesce(housing.floor_area_m2, 0) as floor_area_m2
    from {{ ref('stg_public_housing') }} as housing
    cross join params
    where housing.housing_type = 'public_rental'
        and housing.start_date <= params.run_date
        and (housing.end_date is null or housing.end_date >= params.run_date)

),

homes as (

    select id_number, home_id, home_type, home_no, share_ratio, floor_area_m2 from owned
    union all
    select id_number, home_id, home_type, home_no, share_ratio, floor_area_m2 from rented

)

select
    homes.id_number,
    homes.home_id,
    homes.home_type,
    homes.home_no,
    cast(homes.share_ratio as {{ hedui.type_amount() }}) as share_ratio,
    cast(homes.floor_area_m2 as {{ hedui.type_amount() }}) as floor_area_m2
from homes
inner join persons on persons.id_number = homes.id_number
