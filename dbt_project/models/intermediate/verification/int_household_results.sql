-- Every household result of the run (hukou, case, request): figures, asset tests, tier and
-- amount, reason codes, completeness and the policy version. The marts select from here.
-- Incomplete: a source the result depends on is unusable for the run, or quarantined rows
-- naming a member (int_household_quarantined_sources); missing_sources names both.

with params as (

    select run_date, policy_version from {{ ref('int_policy_parameters') }}

),

codes as (

    select
        household_kind,
        household_id,
        {{ hedui.sorted_string_array_agg('reason_code') }} as reason_codes
    from {{ ref('int_household_reason_codes') }}
    group by household_kind, household_id

)

select
    figures.household_kind,
    figures.household_id,
    params.run_date,
    figures.member_count,
    figures.income_per_capita,
    figures.rigid_expenditure_per_capita,
    figures.cash_assets_per_capita,
    figures.residential_homes,
    figures.residential_area_m2,
    tests.a1_cash_assets_failed,
    tests.a2_vehicle_failed,
    tests.a3_homes_failed,
    tests.a4_commercial_property_failed,
    tests.asset_tests_passed,
    tiers.tier,
    tiers.monthly_amount,
    tiers.single_person_dibao_count,
    coalesce(codes.reason_codes, {{ hedui.string_array([]) }}) as reason_codes,
    completeness.complete and quarantined.household_id is null as complete,
    case
        when quarantined.household_id is null then completeness.missing_sources
        else {{ hedui.sorted_string_array_union(
            'completeness.missing_sources', 'quarantined.quarantined_sources') }}
    end as missing_sources,
    completeness.sources_as_of,
    params.policy_version
from {{ ref('int_household_figures') }} as figures
inner join {{ ref('int_asset_tests') }} as tests
    on
        tests.household_kind = figures.household_kind
        and tests.household_id = figures.household_id
inner join {{ ref('int_household_tiers') }} as tiers
    on
        tiers.household_kind = figures.household_kind
        and tiers.household_id = figures.household_id
inner join {{ ref('int_result_completeness') }} as completeness
    on completeness.result = figures.household_kind
left join {{ ref('int_household_quarantined_sources') }} as quarantined
    on
        quarantined.household_kind = figures.household_kind
        and quarantined.household_id = figures.household_id
left join codes
    on
        codes.household_kind = figures.household_kind
        and codes.household_id = figures.household_id
cross join params
