-- 家庭核对结果: one row per hukou household with at least one living normal member, for the run.

select
    cast(household_id as {{ dbt.type_string() }}) as household_id,
    run_date,
    cast(member_count as {{ dbt.type_bigint() }}) as member_count,
    cast(income_per_capita as {{ hedui.type_money() }}) as income_per_capita,
    cast(rigid_expenditure_per_capita as {{ hedui.type_money() }}) as rigid_expenditure_per_capita,
    cast(cash_assets_per_capita as {{ hedui.type_money() }}) as cash_assets_per_capita,
    cast(residential_homes as {{ dbt.type_bigint() }}) as residential_homes,
    cast(tier as {{ dbt.type_string() }}) as tier,
    cast(monthly_amount as {{ dbt.type_bigint() }}) as monthly_amount,
    cast(single_person_dibao_count as {{ dbt.type_bigint() }}) as single_person_dibao_count,
    reason_codes,
    complete,
    missing_sources,
    cast(policy_version as {{ dbt.type_string() }}) as policy_version
from {{ ref('int_household_results') }}
where household_kind = 'hukou'
