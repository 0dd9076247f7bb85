-- 政策参数: every row of the dated parameter table (its history) with the run date and whether
-- the row is the one in force on it (the row int_policy_parameters chose). Pages and reports
-- read the standards they print from here, never from numbers written in Python.

with run as (

    select run_date from {{ ref('int_policy_parameters') }}

),

ranked as (

    select
        parameters.parameter,
        parameters.value,
        parameters.effective_from,
        parameters.version,
        parameters.basis,
        run.run_date,
        parameters.effective_from <= run.run_date as started,
        row_number() over (
            partition by parameters.parameter, parameters.effective_from <= run.run_date
            order by parameters.effective_from desc, parameters.version desc
        ) as recency
    from {{ ref('policy_parameters') }} as parameters
    cross join run

)

select
    cast(parameter as {{ dbt.type_string() }}) as parameter,
    run_date,
    cast(value as {{ hedui.type_amount() }}) as value,
    effective_from,
    cast(version as {{ dbt.type_string() }}) as version,
    cast(basis as {{ dbt.type_string() }}) as basis,
    started and recency = 1 as in_force
from ranked
