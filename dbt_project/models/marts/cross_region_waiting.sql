-- 异地核查待办: the verification requests in use tonight that wait on a partner region
-- (docs/policy.md §11), one row per request and region with a query not answered: sent or not
-- yet sent (waiting), overdue (no answer after exchange_overdue_days) or refused (staff verify
-- by hand). query_status is the request's most pressing one: overdue, refused, sent, unsent. The
-- household is the city's hukou household of the applicant (else of a member; null when no
-- member is local). Pseudonymised: no person is named, only how many members wait.

with params as (

    select run_date from {{ ref('int_policy_parameters') }}

),

identity as (

    select id_number, person_key from {{ source('hedui', 'identity') }}

),

in_use as (

    -- members of tonight's requests who are out of local coverage
    select
        members.household_id as request_id,
        members.region_code,
        identity.person_key
    from {{ ref('int_out_of_coverage_members') }} as members
    inner join identity on identity.id_number = members.id_number
    where members.household_kind = 'request'

),

waiting as (

    select
        queries.request_id,
        queries.to_region as region,
        queries.status,
        queries.asked_on,
        queries.sent_at,
        queries.days_waiting
    from {{ ref('cross_region_queries') }} as queries
    inner join in_use
        on
            in_use.request_id = queries.request_id
            and in_use.person_key = queries.person_key
            and in_use.region_code = queries.to_region
    where queries.status in ('sent', 'unsent', 'overdue', 'refused')

),

households as (

    select
        request.request_id,
        coalesce(
            max(case when request.applicant = '1' then hukou.household_no end),
            min(hukou.household_no)
        ) as household_id
    from {{ ref('stg_verification_request') }} as request
    inner join {{ ref('stg_hukou') }} as hukou on hukou.id_number = request.member_id_number
    group by request.request_id

),

grouped as (

    select
        request_id,
        region,
        max(case when status = 'overdue' then 1 else 0 end) as any_overdue,
        max(case when status = 'refused' then 1 else 0 end) as any_refused,
        max(case when status = 'sent' then 1 else 0 end) as any_sent,
        count(*) as members_waiting,
        min(asked_on) as asked_on,
        min(sent_at) as first_sent_at,
        max(days_waiting) as days_waiting
    from waiting
    group by request_id, region

)

select
    cast(grouped.request_id as {{ dbt.type_string() }}) as request_id,
    params.run_date,
    cast(grouped.region as {{ dbt.type_string() }}) as region,
    cast(households.household_id as {{ dbt.type_string() }}) as household_id,
    cast(
        case
            when grouped.any_overdue = 1 then 'overdue'
            when grouped.any_refused = 1 then 'refused'
            when grouped.any_sent = 1 then 'sent'
            else 'unsent'
        end as {{ dbt.type_string() }}
    ) as query_status,
    cast(grouped.members_waiting as {{ dbt.type_bigint() }}) as members_waiting,
    grouped.asked_on,
    grouped.first_sent_at,
    cast(grouped.days_waiting as {{ dbt.type_bigint() }}) as days_waiting,
    grouped.any_overdue = 1 as overdue
from grouped
cross join params
left join households on households.request_id = grouped.request_id
