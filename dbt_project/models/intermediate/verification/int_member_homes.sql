-- Residential homes of each member (docs/policy.md §5 test 3): every valid residential certificate
-- the member owns any share of (the home's full floor area counts), and every public_rental
-- contract active on D (its contract floor area). home_id is unique per home, so a household
-- counts a shared certificate once. home_no (the certificate or contract number) and share_ratio
-- are for display. A member out of local coverage adds the homes their partner region's answer
-- reports (docs/policy.md §11), one row each (home_type cross_region, home_no the region code,
-- home_id from the answer's query id), their floor area shared evenly (to the cent, the
-- remainder on the first).

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
    where
        estate.property_use = 'residential'
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
        housing.floor_area_m2
    from {{ ref('stg_public_housing') }} as housing
    cross join params
    where
        housing.housing_type = 'public_rental'
        and housing.start_date <= params.run_date
        and (housing.end_date is null or housing.end_date >= params.run_date)

),

numbers as (

    {{ hedui.counting_numbers(ref('int_cross_region_answers'), 'residential_homes') }}

),

remote as (

    select
        answers.id_number,
        -- the answer's query id, never the ID number (home_id is published in member_homes)
        'cross_region:' || answers.query_id || ':'
        || cast(numbers.generated_number as {{ dbt.type_string() }}) as home_id,
        'cross_region' as home_type,
        answers.region_code as home_no,
        cast(null as {{ hedui.type_amount() }}) as share_ratio,
        case
            when numbers.generated_number = 1
                then
                    answers.residential_floor_area - (answers.residential_homes - 1)
                    * {{ hedui.div_half_up('answers.residential_floor_area',
                                           'answers.residential_homes') }}
            else {{ hedui.div_half_up('answers.residential_floor_area',
                                      'answers.residential_homes') }}
        end as floor_area_m2
    from {{ ref('int_cross_region_answers') }} as answers
    inner join numbers on numbers.generated_number <= answers.residential_homes

),

homes as (

    select id_number, home_id, home_type, home_no, share_ratio, floor_area_m2 from owned
    union all
    select id_number, home_id, home_type, home_no, share_ratio, floor_area_m2 from rented
    union all
    select id_number, home_id, home_type, home_no, share_ratio, floor_area_m2 from remote

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
