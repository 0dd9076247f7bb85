-- 家庭成员: the members of every household a result is computed for (docs/policy.md §2), one row per
-- household and member: hukou households (household_id = household_no), assistance cases
-- (case_no) and verification requests (request_id, the members looked up). Pseudonymised:
-- person_key only; names and ID numbers stay in restricted.identity. figures_region and
-- figures_as_of say where each member's figures come from: the city (120000), or the partner
-- region's answer for a member out of local coverage (docs/policy.md §11).

with params as (

    select run_date from {{ ref('int_policy_parameters') }}

),

members as (

    select household_kind, household_id, id_number from {{ ref('int_household_members') }}

),

roles as (

    select
        'case' as household_kind,
        roll.case_no as household_id,
        roll.id_number,
        max(case when roll.member_role = 'applicant' then 1 else 0 end) as is_applicant
    from {{ ref('stg_assistance_roll') }} as roll
    group by roll.case_no, roll.id_number

    union all

    select
        'request' as household_kind,
        request.request_id as household_id,
        request.member_id_number as id_number,
        max(case when request.applicant = '1' then 1 else 0 end) as is_applicant
    from {{ ref('stg_verification_request') }} as request
    where request.authorization_no is not null
    group by request.request_id, request.member_id_number

),

identity as (

    select id_number, person_key from {{ source('hedui', 'identity') }}

),

remote as (

    select household_kind, household_id, id_number, region_code
    from {{ ref('int_out_of_coverage_members') }}

)

select
    cast(members.household_id as {{ dbt.type_string() }}) as household_id,
    cast(members.household_kind as {{ dbt.type_string() }}) as household_kind,
    params.run_date,
    cast(identity.person_key as {{ dbt.type_string() }}) as person_key,
    cast(
        case
            when members.household_kind = 'hukou' then null
            when roles.is_applicant = 1 then 'applicant'
            else 'member'
        end as {{ dbt.type_string() }}
    ) as member_role,
    cast(hukou.relation_to_head as {{ dbt.type_string() }}) as relation,
    cast(hukou.status as {{ dbt.type_string() }}) as hukou_status,
    cast(attributes.age as {{ dbt.type_bigint() }}) as age,
    cast(attributes.disability_grade as {{ dbt.type_bigint() }}) as disability_grade,
    attributes.severe_disability,
    attributes.lacks_capacity,
    cast(coalesce(remote.region_code, '120000') as {{ dbt.type_string() }}) as figures_region,
    answers.as_of as figures_as_of
from members
cross join params
left join roles
    on
        roles.household_kind = members.household_kind
        and roles.household_id = members.household_id
        and roles.id_number = members.id_number
left join identity on identity.id_number = members.id_number
left join {{ ref('stg_hukou') }} as hukou on hukou.id_number = members.id_number
left join {{ ref('int_member_attributes') }} as attributes
    on attributes.id_number = members.id_number
left join remote
    on
        remote.household_kind = members.household_kind
        and remote.household_id = members.household_id
        and remote.id_number = members.id_number
left join {{ ref('int_cross_region_answers') }} as answers
    on answers.id_number = remote.id_number
