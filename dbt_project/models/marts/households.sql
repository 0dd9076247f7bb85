-- 户: per hukou household of the run (the households of household_verification), its district
-- code from the hukou, for display and district statistics only: district is never a rule
-- input (docs/policy.md §10). The head's district, else the smallest code of its members.

with params as (

    select run_date from {{ ref('int_policy_parameters') }}

),

members as (

    select
        members.household_id,
        hukou.district_code,
        hukou.relation_to_head
    from {{ ref('int_household_members') }} as members
    inner join {{ ref('stg_hukou') }} as hukou on hukou.id_number = members.id_number
    where members.household_kind = 'hukou'

),

households as (

    select
        household_id,
        coalesce(
            max(case when relation_to_head = 'head' then district_code end),
            min(district_code)
        ) as district_code,
        cast(count(*) as {{ dbt.type_bigint() }}) as member_count
    from members
    group by household_id

)

select
    cast(households.household_id as {{ dbt.type_string() }}) as household_id,
    params.run_date,
    cast(households.district_code as {{ dbt.type_string() }}) as district_code,
    households.member_count
from households
cross join params
