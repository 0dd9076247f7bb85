-- W_DISABILITY (docs/policy.md §8) per hukou household: a member's disability certificate of grade
-- 1 to severe_disability_grade_max, issued in the last warning_horizon_days days, that counts on
-- D (issued on or before D, valid_until empty or >= D; §2). Orange.

with params as (

    select
        run_date,
        {{ hedui.days_before('run_date', 'warning_horizon_days') }} as horizon_start,
        severe_disability_grade_max
    from {{ ref('int_policy_parameters') }}

),

members as (

    select household_id, id_number
    from {{ ref('int_household_members') }}
    where household_kind = 'hukou'

),

certificates as (

    select
        members.household_id,
        members.id_number,
        disability.disability_grade,
        disability.cert_issue_date,
        disability.source_file,
        disability.source_line
    from members
    inner join {{ ref('stg_disability') }} as disability
        on disability.id_number = members.id_number
    cross join params
    where
        disability.cert_issue_date <= params.run_date
        and (
            disability.cert_valid_until is null
            or disability.cert_valid_until >= params.run_date
        )
        and disability.cert_issue_date > params.horizon_start
        and disability.disability_grade <= params.severe_disability_grade_max

),

items as (

    select
        certificates.household_id,
        {{ hedui.evidence_item(
            source="'disability'",
            file='certificates.source_file',
            line='certificates.source_line',
            person_key='identity.person_key',
            day='certificates.cert_issue_date',
            item="'disability_grade'",
            amount='certificates.disability_grade') }} as item
    from certificates
    left join {{ source('hedui', 'identity') }} as identity
        on identity.id_number = certificates.id_number

)

select
    household_id,
    'W_DISABILITY' as warning_code,
    'orange' as severity,
    {{ hedui.evidence_list('item', 'item') }} as evidence
from items
group by household_id
