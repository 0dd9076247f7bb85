-- The active assistance_roll cases the reviews of current recipients look at (动态调整,
-- docs/policy.md §8): start_date <= D, end_date empty or >= D, with the figures and asset tests
-- of their case result (null where a case has no result). The review models read it once
-- instead of each joining int_cases and int_household_results.

with cases as (

    select case_no, assistance_type, start_date
    from {{ ref('int_cases') }}
    where is_active

),

results as (

    select
        household_id as case_no,
        member_count,
        income_per_capita,
        cash_assets_per_capita,
        residential_homes,
        residential_area_m2,
        a1_cash_assets_failed,
        a2_vehicle_failed,
        a3_homes_failed,
        a4_commercial_property_failed
    from {{ ref('int_household_results') }}
    where household_kind = 'case'

)

select
    cases.case_no,
    cases.assistance_type,
    cases.start_date,
    results.member_count,
    results.income_per_capita,
    results.cash_assets_per_capita,
    results.residential_homes,
    results.residential_area_m2,
    results.a1_cash_assets_failed,
    results.a2_vehicle_failed,
    results.a3_homes_failed,
    results.a4_commercial_property_failed
from cases
left join results on results.case_no = cases.case_no
