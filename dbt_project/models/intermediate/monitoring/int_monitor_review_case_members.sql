-- The members of the active cases the reviews look at (docs/policy.md §8), one row per case and
-- person on its assistance_roll: is_living when the person is a member of the case household
-- (int_household_members: on the roll, not dead), with the person_key the evidence shows.

with cases as (

    select case_no, assistance_type, start_date
    from {{ ref('int_monitor_review_cases') }}

),

roll as (

    select distinct case_no, id_number from {{ ref('stg_assistance_roll') }}

),

living as (

    select household_id as case_no, id_number
    from {{ ref('int_household_members') }}
    where household_kind = 'case'

),

identity as (

    select id_number, person_key from {{ source('hedui', 'identity') }}

)

select
    cases.case_no,
    cases.assistance_type,
    cases.start_date,
    roll.id_number,
    identity.person_key,
    living.id_number is not null as is_living
from cases
inner join roll on roll.case_no = cases.case_no
left join living on living.case_no = roll.case_no and living.id_number = roll.id_number
left join identity on identity.id_number = roll.id_number
