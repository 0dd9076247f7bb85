-- Reason codes of each household result, one row per code: A1-A4 for a failed asset test
-- (never a silent exclusion), I_INCOME_ABOVE_LINE when the income test fails every line
-- (per-capita income, with and without rigid expenditure, at or above the low-income line, so
-- no tier can apply whatever the assets) and T_SUPPORTER_CHECK for tekun (staff check whether a
-- legal supporter exists elsewhere). A figure that is unknown (null) never gives a code.

with tests as (

    select * from {{ ref('int_asset_tests') }}

),

params as (

    select low_income_line from {{ ref('int_policy_parameters') }}

),

codes as (

    select household_kind, household_id, 'A1' as reason_code
    from tests
    where a1_cash_assets_failed
    union all
    select household_kind, household_id, 'A2' as reason_code
    from tests
    where a2_vehicle_failed
    union all
    select household_kind, household_id, 'A3' as reason_code
    from tests
    where a3_homes_failed
    union all
    select household_kind, household_id, 'A4' as reason_code
    from tests
    where a4_commercial_property_failed
    union all
    select figures.household_kind, figures.household_id, 'I_INCOME_ABOVE_LINE' as reason_code
    from {{ ref('int_household_figures') }} as figures
    cross join params
    where
        figures.income_per_capita >= params.low_income_line
        and figures.income_per_capita - figures.rigid_expenditure_per_capita
        >= params.low_income_line
    union all
    select household_kind, household_id, 'T_SUPPORTER_CHECK' as reason_code
    from {{ ref('int_household_tiers') }}
    where tier = 'tekun'

)

select household_kind, household_id, reason_code
from codes
