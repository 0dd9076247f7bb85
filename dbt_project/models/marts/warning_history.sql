-- Warning firings of every run (the state of the warning lifecycle across nights): the rows of
-- the earlier and later runs carried from the previously published warehouse (raw
-- warning_history, every run date but D) and the warnings firing on D (new and ongoing, including
-- those carried forward unevaluated). The next build reads it as its history.

with params as (

    select run_date from {{ ref('int_policy_parameters') }}

),

history as (

    select
        history.household_id,
        history.warning_code,
        history.run_date,
        history.severity,
        history.evidence,
        history.evaluated
    from {{ source('hedui', 'warning_history') }} as history
    cross join params
    where history.run_date <> params.run_date

),

today as (

    select
        lifecycle.household_id,
        lifecycle.warning_code,
        params.run_date,
        lifecycle.severity,
        lifecycle.evidence,
        lifecycle.evaluated
    from {{ ref('int_monitor_warning_lifecycle') }} as lifecycle
    cross join params
    where lifecycle.status in ('new', 'ongoing')

),

rows as (

    select * from history
    union all
    select * from today

)

select
    cast(household_id as {{ dbt.type_string() }}) as household_id,
    cast(warning_code as {{ dbt.type_string() }}) as warning_code,
    run_date,
    cast(severity as {{ dbt.type_string() }}) as severity,
    cast(evidence as {{ dbt.type_string() }}) as evidence,
    evaluated
from rows
