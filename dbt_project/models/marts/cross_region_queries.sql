-- 异地核查查询: every cross-region query of the exchange's log (raw.exchange_queries) with its
-- status as of the run date (docs/policy.md §11, exchange.md): answered, not_found or refused
-- once the answer arrived on or before D; overdue when more than exchange_overdue_days have
-- passed since it was asked without an answer (the member stays undecided); sent when the
-- partner accepted it; unsent otherwise. days_waiting counts the days from asking to the answer
-- (or to D while there is none). Pseudonymised: person_key only.

with params as (

    select run_date, exchange_overdue_days from {{ ref('int_policy_parameters') }}

),

queries as (

    select * from {{ source('hedui', 'exchange_queries') }}

),

dated as (

    select
        queries.*,
        params.run_date,
        params.exchange_overdue_days,
        queries.answered_on is not null
        and queries.answered_on <= params.run_date as is_answered
    from queries
    cross join params
    where queries.asked_on <= params.run_date

)

select
    cast(query_id as {{ dbt.type_string() }}) as query_id,
    run_date,
    cast(request_id as {{ dbt.type_string() }}) as request_id,
    cast(person_key as {{ dbt.type_string() }}) as person_key,
    cast(to_region as {{ dbt.type_string() }}) as to_region,
    cast(purpose as {{ dbt.type_string() }}) as purpose,
    cast(period_from as {{ dbt.type_string() }}) as period_from,
    cast(period_to as {{ dbt.type_string() }}) as period_to,
    asked_on,
    sent_at,
    cast(attempts as {{ dbt.type_bigint() }}) as attempts,
    case when is_answered then answered_on end as answered_on,
    cast(
        case
            when is_answered and answer_status is not null then answer_status
            when {{ hedui.days_between('asked_on', 'run_date') }} > exchange_overdue_days
                then 'overdue'
            when sent_at is not null then 'sent'
            else 'unsent'
        end as {{ dbt.type_string() }}
    ) as status,
    cast(case when is_answered then refusal_reason end as {{ dbt.type_string() }})
        as refusal_reason,
    cast(last_error as {{ dbt.type_string() }}) as last_error,
    cast(
        case
            when is_answered then {{ hedui.days_between('asked_on', 'answered_on') }}
            else {{ hedui.days_between('asked_on', 'run_date') }}
        end as {{ dbt.type_bigint() }}
    ) as days_waiting
from dated
