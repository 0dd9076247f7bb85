-- 核对报告明细: per request, declared member and source the report reads, what was found
-- (policy.md §9): not_looked_up (the member signed no authorization), source_missing (the source
-- failed or is missing for the run), found (rows the rules read) or none_found.

with params as (

    select run_date from {{ ref('int_policy_parameters') }}

),

declared as (

    select
        request.request_id,
        request.member_id_number as id_number,
        request.applicant = '1' as is_applicant,
        request.authorization_no is not null as authorized
    from {{ ref('stg_verification_request') }} as request

),

sources as (

    select distinct rule_sources.source
    from {{ ref('result_figures') }} as result_figures
    inner join {{ ref('rule_sources') }} as rule_sources
        on rule_sources.figure = result_figures.figure
    where result_figures.result = 'request'

),

status as (

    select source, usable, data_as_of from {{ ref('int_source_status') }}

),

identity as (

    select id_number, person_key from {{ source('hedui', 'identity') }}

)

select
    cast(declared.request_id as {{ dbt.type_string() }}) as request_id,
    params.run_date,
    cast(identity.person_key as {{ dbt.type_string() }}) as person_key,
    declared.is_applicant,
    declared.authorized,
    cast(sources.source as {{ dbt.type_string() }}) as source,
    cast(
        case
            when not declared.authorized then 'not_looked_up'
            when not coalesce(status.usable, false) then 'source_missing'
            when found.records > 0 then 'found'
            else 'none_found'
        end as {{ dbt.type_string() }}
    ) as finding,
    cast(
        case
            when declared.authorized and coalesce(status.usable, false)
            then coalesce(found.records, 0)
        end as {{ dbt.type_bigint() }}
    ) as records,
    status.data_as_of
from declared
cross join sources
cross join params
left join status on status.source = sources.source
left join identity on identity.id_number = declared.id_number
left join {{ ref('int_member_source_records') }} as found
    on found.id_number = declared.id_number
    and found.source = sources.source
    and declared.authorized
