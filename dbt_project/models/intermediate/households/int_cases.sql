-- One row per assistance case: its type, dates, whether it is active on the run date
-- (start_date <= D and end_date empty or >= D) and its members, living and declared.

with params as (

    select run_date from {{ ref('int_policy_parameters') }}

),

cases as (

    select
        case_no,
        min(assistance_type) as assistance_type,
        min(start_date) as start_date,
        case when count(end_date) < count(*) then null else max(end_date) end as end_date,
        count(*) as case_members
    from {{ ref('stg_assistance_roll') }}
    group by case_no

),

living as (

    select household_id as case_no, count(*) as living_members
    from {{ ref('int_household_members') }}
    where household_kind = 'case'
    group by household_id

)

select
    cases.case_no,
    cases.assistance_type,
    cases.start_date,
    cases.end_date,
    cases.start_date <= params.run_date
    and (cases.end_date is null or cases.end_date >= params.run_date) as is_active,
    cases.case_members,
    coalesce(living.living_members, 0) as living_members
from cases
cross join params
left join living on living.case_no = cases.case_no
