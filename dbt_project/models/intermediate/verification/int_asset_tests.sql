-- The asset tests of docs/policy.md §5 per household; true = the test fails (reason codes A1-A4),
-- null = unknown because a source is unusable, or because rows that could make it fail are
-- missing (a partial figure, docs/missing-data.md). Missing rows can only add assets, homes,
-- vehicles or area, so a failure found on the rows that loaded stands; a pass stands only when
-- nothing is missing. A changed member count can move the per-capita limits either way.
-- asset_tests_passed is true only when every test is known to pass, false when any fails.

with params as (

    select * from {{ ref('int_policy_parameters') }}

),

tests as (

    select
        figures.household_kind,
        figures.household_id,
        coalesce(figures.members_partial, false) as members_partial,
        coalesce(figures.cash_assets_partial, false) as cash_assets_partial,
        coalesce(figures.vehicles_partial, false) as vehicles_partial,
        coalesce(figures.homes_partial, false) as homes_partial,
        coalesce(figures.residential_area_unknown, false) as area_unknown,
        coalesce(figures.commercial_property_partial, false) as commercial_property_partial,
        figures.residential_homes > params.max_residential_homes as too_many_homes,
        -- A1: cash-type assets per capita above asset_months x dibao_standard (compared
        -- exactly: total > limit x members)
        figures.cash_assets_total > params.asset_limit_per_person * figures.member_count
            as a1_on_loaded,
        -- A2: a car or truck with status normal
        figures.non_exempt_vehicles > 0 as a2_on_loaded,
        -- A3: more than max_residential_homes homes and area per capita not below average
        figures.residential_homes > params.max_residential_homes
        and figures.residential_area_m2
        >= params.city_avg_living_area_m2 * figures.member_count
            as a3_on_loaded,
        -- A4: a valid commercial property
        figures.commercial_properties > 0 as a4_on_loaded
    from {{ ref('int_household_figures') }} as figures
    cross join params

),

decided as (

    select
        household_kind,
        household_id,
        case
            when members_partial then null
            when a1_on_loaded then true
            when cash_assets_partial then null
            else a1_on_loaded
        end as a1_cash_assets_failed,
        case
            when a2_on_loaded then true
            when vehicles_partial then null
            else a2_on_loaded
        end as a2_vehicle_failed,
        case
            when members_partial then null
            when a3_on_loaded then true
            when homes_partial then null
            -- an unknown floor area decides nothing unless the home count already passes
            when area_unknown and too_many_homes then null
            else a3_on_loaded
        end as a3_homes_failed,
        case
            when a4_on_loaded then true
            when commercial_property_partial then null
            else a4_on_loaded
        end as a4_commercial_property_failed
    from tests

)

select
    household_kind,
    household_id,
    a1_cash_assets_failed,
    a2_vehicle_failed,
    a3_homes_failed,
    a4_commercial_property_failed,
    not(
        a1_cash_assets_failed or a2_vehicle_failed or a3_homes_failed
        or a4_commercial_property_failed
    ) as asset_tests_passed
from decided
