-- 核对报告明细: per request, declared member and source the report reads, what was found (docs/policy.md
-- §9): not_looked_up (the member signed no authorization), source_missing (the source failed or is
-- missing for the run), found (rows the rules read) or none_found. A member out of local
-- coverage (docs/policy.md §11) has one more row, source cross_region:<region>: found (the
-- partner's figures count, as of data_as_of), none_found (the partner holds nothing),
-- awaiting_answer, overdue or refused (the member stays undecided), no_partner (a region
-- outside 京津冀: staff verify by hand), not_looked_up (no authorization: never asked).

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

),

remote as (

    select household_id as request_id, id_number, region_code, has_partner
    from {{ ref('int_out_of_coverage_members') }}
    where household_kind = 'request'

),

queries as (

    select request_id, person_key, to_region, status
    from {{ ref('cross_region_queries') }}

),

local_rows as (

    select
        declared.request_id,
        params.run_date,
        identity.person_key,
        declared.is_applicant,
        declared.authorized,
        sources.source,
        case
            when not declared.authorized then 'not_looked_up'
            when not coalesce(status.usable, false) then 'source_missing'
            when found.records > 0 then 'found'
            else 'none_found'
        end as finding,
        case
            when declared.authorized and coalesce(status.usable, false)
                then coalesce(found.records, 0)
        end as records,
        status.data_as_of
    from declared
    cross join sources
    cross join params
    left join status on status.source = sources.source
    left join identity on identity.id_number = declared.id_number
    left join {{ ref('int_member_source_records') }} as found
        on
            found.id_number = declared.id_number
            and found.source = sources.source
            and declared.authorized

),

remote_rows as (

    select
        declared.request_id,
        params.run_date,
        identity.person_key,
        declared.is_applicant,
        declared.authorized,
        'cross_region:' || remote.region_code as source,
        case
            when not declared.authorized then 'not_looked_up'
            when not remote.has_partner then 'no_partner'
            when answers.status = 'answered' then 'found'
            when answers.status = 'not_found' then 'none_found'
            when queries.status in ('overdue', 'refused') then queries.status
            else 'awaiting_answer'
        end as finding,
        case
            when answers.status = 'answered' then 1
            when answers.status = 'not_found' then 0
        end as records,
        answers.as_of as data_as_of
    from declared
    inner join remote
        on
            remote.request_id = declared.request_id
            and remote.id_number = declared.id_number
    cross join params
    left join identity on identity.id_number = declared.id_number
    left join {{ ref('int_cross_region_answers') }} as answers
        on
            answers.id_number = declared.id_number
            and answers.region_code = remote.region_code
            and declared.authorized
    left join queries
        on
            queries.request_id = declared.request_id
            and queries.person_key = identity.person_key
            and queries.to_region = remote.region_code

),

report_rows as (

    select
        request_id, run_date, person_key, is_applicant, authorized, source, finding, records,
        data_as_of
    from local_rows
    union all
    select
        request_id, run_date, person_key, is_applicant, authorized, source, finding, records,
        data_as_of
    from remote_rows

)

-- the contract's types, cast once for both kinds of rows
select
    cast(request_id as {{ dbt.type_string() }}) as request_id,
    run_date,
    cast(person_key as {{ dbt.type_string() }}) as person_key,
    is_applicant,
    authorized,
    cast(source as {{ dbt.type_string() }}) as source,
    cast(finding as {{ dbt.type_string() }}) as finding,
    cast(records as {{ dbt.type_bigint() }}) as records,
    data_as_of
from report_rows
