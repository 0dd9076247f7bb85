-- Restricted: the register an ID lookup or identity reveal must cite (issue 16). One row per
-- authorization and person it covers: a member's signed authorization of a verification request
-- (authorization_no of verification_request), or an active assistance case (case_no) for its
-- living members. Keyed by person_key; no ID number or name.
{{ config(schema='restricted') }}

with params as (

    select run_date from {{ ref('int_policy_parameters') }}

),

identity as (

    select id_number, person_key from {{ source('hedui', 'identity') }}

),

register as (

    select distinct
        request.authorization_no,
        'verification_request' as authorization_kind,
        request.request_id as reference,
        request.member_id_number as id_number,
        request.requested_at as valid_from
    from {{ ref('stg_verification_request') }} as request
    where request.authorization_no is not null

    union all

    select distinct
        members.case_no as authorization_no,
        'assistance_case' as authorization_kind,
        members.case_no as reference,
        members.id_number,
        cases.start_date as valid_from
    from {{ ref('int_active_case_members') }} as members
    inner join {{ ref('int_cases') }} as cases on cases.case_no = members.case_no

)

select
    params.run_date,
    cast(register.authorization_no as {{ dbt.type_string() }}) as authorization_no,
    cast(register.authorization_kind as {{ dbt.type_string() }}) as authorization_kind,
    cast(register.reference as {{ dbt.type_string() }}) as reference,
    cast(identity.person_key as {{ dbt.type_string() }}) as person_key,
    register.valid_from
from register
cross join params
inner join identity on identity.id_number = register.id_number
