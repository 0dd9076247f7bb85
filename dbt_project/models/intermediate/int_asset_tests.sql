-- The asset tests of policy.md §5 per household; true = the test fails (reason codes A1-A4),
-- null = unknown because a source is unusable. asset_tests_passed is true only when every
-- test is known to pass, false when any fails.

with params as (

    select * from {{ ref('int_policy_parameters') }}

),

tests as (

    select
        figures.household_kind,
        figures.household_id,
        -- A1: cash-type assets per capita above asset_months x dibao_standard (compared
        -- exactly: total > limit x members)
        figures.cash_assets_total > params.asset_limit_per_person * figures.member_count
            as a1_cash_assets_failed,
        -- A2: a car or truck with status normal
        figures.non_exempt_vehicles > 0 as a2_vehicle_failed,
        -- A3: more than max_residential_homes homes and area per capita not below average
        figures.residential_homes > params.max_residential_homes
            and figures.residential_area_m2
                >= params.city_avg_living_area_m2 * figures.member_count
            as a3_homes_failed,
        -- A4: a valid commercial property
        figures.commercial_properties > 0 as a4_commercial_property_failed
    from {{ ref('int_household_figures') }} as figures
    cross join params

)

select
    household_kind,
    household_id,
    a1_cash_assets_failed,
    a2_vehicle_failed,
    a3_homes_failed,
    a4_commercial_property_failed,
    not (a1_cash_assets_failed or a2_vehicle_failed or a3_homes_failed
         or a4_commercial_property_failed) as asset_tests_passed
from tests
