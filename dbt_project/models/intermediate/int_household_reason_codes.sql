-- Reason codes of each household result, one row per code: A1-A4 for a failed asset test
-- (never a silent exclusion) and T_SUPPORTER_CHECK for tekun (staff check whether a legal
-- supporter exists elsewhere).

with tests as (

    select * from {{ ref('int_asset_tests') }}

),

codes as (

    select household_kind, household_id, 'A1' as reason_code
    from tests where a1_cash_assets_failed
    union all
    select household_kind, household_id, 'A2' as reason_code
    from tests where a2_vehicle_failed
    union all
    select household_kind, household_id, 'A3' as reason_code
    from tests where a3_homes_failed
    union all
    select household_kind, household_id, 'A4' as reason_code
    from tests where a4_commercial_property_failed
    union all
    select household_kind, household_id, 'T_SUPPORTER_CHECK' as reason_code
    from {{ ref('int_household_tiers') }} where tier = 'tekun'

)

select household_kind, household_id, reason_code
from codes
