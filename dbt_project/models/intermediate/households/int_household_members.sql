-- Members of every household a result is computed for (docs/policy.md §2), one row per member:
--   hukou   household_no with its members whose status is normal, minus the dead;
--   case    an assistance_roll case with its members, minus the dead;
--   request the members declared on a verification request who signed an authorization (a
--           member without one is never looked up; the report is then incomplete), minus the
--           dead (a dead person is not a member, whatever the request declares).

with deaths as (

    select id_number from {{ ref('int_deaths') }}

),

hukou as (

    select
        'hukou' as household_kind,
        hukou.household_no as household_id,
        hukou.id_number
    from {{ ref('stg_hukou') }} as hukou
    where
        hukou.status = 'normal'
        and not exists (
            select 1 from deaths
            where deaths.id_number = hukou.id_number
        )

),

cases as (

    select distinct
        'case' as household_kind,
        roll.case_no as household_id,
        roll.id_number
    from {{ ref('stg_assistance_roll') }} as roll
    where not exists (
        select 1 from deaths
        where deaths.id_number = roll.id_number
    )

),

requests as (

    select distinct
        'request' as household_kind,
        request.request_id as household_id,
        request.member_id_number as id_number
    from {{ ref('stg_verification_request') }} as request
    where
        request.authorization_no is not null
        and not exists (
            select 1 from deaths
            where deaths.id_number = request.member_id_number
        )

)

select household_kind, household_id, id_number from hukou
union all
select household_kind, household_id, id_number from cases
union all
select household_kind, household_id, id_number from requests
