-- 核对报告: one row per verification request of the run. Members without an authorization_no
-- are not looked up; if any declared member refused, the household figures and the tier are not
-- computed (null), the report is incomplete and carries V_AUTH_MISSING.

with results as (

    select * from {{ ref('int_household_results') }}
    where household_kind = 'request'

),

completeness as (

    select * from {{ ref('int_result_completeness') }}
    where result = 'request'

),

params as (

    select run_date, policy_version from {{ ref('int_policy_parameters') }}

),

reports as (

    select
        requests.request_id,
        params.run_date,
        requests.requested_at,
        requests.members_refused > 0 as refused,
        requests.members_declared,
        requests.members_verified,
        requests.members_refused,
        results.member_count,
        results.income_per_capita,
        results.rigid_expenditure_per_capita,
        results.cash_assets_per_capita,
        results.residential_homes,
        results.tier,
        results.monthly_amount,
        results.single_person_dibao_count,
        results.reason_codes,
        -- the household result adds sources that quarantined rows naming a member
        coalesce(results.complete, completeness.complete) as complete,
        coalesce(results.missing_sources, completeness.missing_sources) as missing_sources,
        completeness.sources_as_of,
        params.policy_version
    from {{ ref('int_requests') }} as requests
    cross join params
    cross join completeness
    left join results on results.household_id = requests.request_id

)

select
    cast(request_id as {{ dbt.type_string() }}) as request_id,
    run_date,
    cast(
        case when refused then members_declared else member_count end
        as {{ dbt.type_bigint() }}
    ) as member_count,
    cast(case when not refused then income_per_capita end as {{ hedui.type_money() }})
        as income_per_capita,
    cast(case when not refused then rigid_expenditure_per_capita end as {{ hedui.type_money() }})
        as rigid_expenditure_per_capita,
    cast(case when not refused then cash_assets_per_capita end as {{ hedui.type_money() }})
        as cash_assets_per_capita,
    cast(case when not refused then residential_homes end as {{ dbt.type_bigint() }})
        as residential_homes,
    cast(case when not refused then tier end as {{ dbt.type_string() }}) as tier,
    cast(case when not refused then monthly_amount end as {{ dbt.type_bigint() }})
        as monthly_amount,
    cast(case when not refused then single_person_dibao_count end as {{ dbt.type_bigint() }})
        as single_person_dibao_count,
    case
        when refused then {{ hedui.string_array(["'V_AUTH_MISSING'"]) }}
        else reason_codes
    end as reason_codes,
    not refused and complete as complete,
    missing_sources,
    cast(members_verified as {{ dbt.type_bigint() }}) as members_verified,
    cast(members_refused as {{ dbt.type_bigint() }}) as members_refused,
    cast(sources_as_of as {{ dbt.type_string() }}) as sources_as_of,
    cast(policy_version as {{ dbt.type_string() }}) as policy_version,
    requested_at
from reports
