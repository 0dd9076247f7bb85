-- The run log of monitoring: one row per run date whose warehouse was built (earlier and later
-- runs carried from the previously published warehouse, plus this run). "Previous run" of the
-- warning lifecycle is the latest run date before D here; runs whose population was incomplete
-- do not break the `since` streaks.

with params as (

    select run_date, policy_version from {{ ref('int_policy_parameters') }}

),

history as (

    select
        runs.run_date,
        runs.policy_version,
        runs.population_complete,
        runs.rules_complete,
        runs.monitored_households,
        runs.monitored_persons,
        runs.warnings,
        runs.reviews
    from {{ source('hedui', 'monitoring_runs') }} as runs
    cross join params
    where runs.run_date <> params.run_date

),

today as (

    select
        params.run_date,
        params.policy_version,
        (
            select complete from {{ ref('int_result_completeness') }}
            where result = 'outreach')
            as population_complete,
        (
            select min(case when is_known then 1 else 0 end) = 1
            from {{ ref('int_monitor_rule_status') }}
        ) as rules_complete,
        (
            select count(*) from {{ ref('int_monitor_households') }}
            where monitored)
            as monitored_households,
        (select count(*) from {{ ref('int_monitor_population') }}) as monitored_persons,
        (
            select count(*) from {{ ref('int_monitor_warning_lifecycle') }}
            where status in ('new', 'ongoing')
        ) as warnings,
        (
            select count(*) from {{ ref('int_monitor_reviews') }}
            where evaluated
        ) as reviews
    from params

),

rows as (

    select * from history
    union all
    select * from today

)

select
    run_date,
    cast(policy_version as {{ dbt.type_string() }}) as policy_version,
    coalesce(population_complete, false) as population_complete,
    coalesce(rules_complete, false) as rules_complete,
    cast(monitored_households as {{ dbt.type_bigint() }}) as monitored_households,
    cast(monitored_persons as {{ dbt.type_bigint() }}) as monitored_persons,
    cast(warnings as {{ dbt.type_bigint() }}) as warnings,
    cast(reviews as {{ dbt.type_bigint() }}) as reviews
from rows
