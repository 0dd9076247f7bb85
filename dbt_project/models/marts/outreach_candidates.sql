-- 主动发现: hukou households none of whose members is on an active assistance case, whose tier
-- is decided and not none, with the tier and the estimated monthly amount.

with households as (

    select * from {{ ref('int_household_results') }}
    where household_kind = 'hukou'

),

assisted as (

    select distinct members.household_id
    from {{ ref('int_household_members') }} as members
    inner join {{ ref('int_active_case_members') }} as active
        on active.id_number = members.id_number
    where members.household_kind = 'hukou'

),

completeness as (

    select * from {{ ref('int_result_completeness') }}
    where result = 'outreach'

)

select
    cast(households.household_id as {{ dbt.type_string() }}) as household_id,
    households.run_date,
    cast(households.tier as {{ dbt.type_string() }}) as tier,
    cast(households.monthly_amount as {{ dbt.type_bigint() }}) as monthly_amount,
    cast(households.member_count as {{ dbt.type_bigint() }}) as member_count,
    households.reason_codes,
    completeness.complete and households.complete as complete,
    {{ hedui.sorted_string_array_union(
        'completeness.missing_sources', 'households.missing_sources') }} as missing_sources,
    cast(households.policy_version as {{ dbt.type_string() }}) as policy_version
from households
cross join completeness
where
    households.tier is not null
    and households.tier <> 'none'
    and not exists (
        select 1 from assisted
        where assisted.household_id = households.household_id
    )
