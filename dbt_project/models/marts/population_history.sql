-- The low-income population of every run (person x run date), the state `since` is computed
-- from: the rows of the previously published warehouse for every other run date (raw
-- population_history) and the run's population.

with params as (

    select run_date from {{ ref('int_policy_parameters') }}

),

history as (

    select history.person_key, history.household_id, history.run_date, history.category
    from {{ source('hedui', 'population_history') }} as history
    cross join params
    where history.run_date <> params.run_date

),

today as (

    select population.person_key, population.household_id, params.run_date, population.category
    from {{ ref('int_monitor_population') }} as population
    cross join params

),

rows as (

    select * from history
    union all
    select * from today

)

select
    cast(person_key as {{ dbt.type_string() }}) as person_key,
    cast(household_id as {{ dbt.type_string() }}) as household_id,
    run_date,
    cast(category as {{ dbt.type_string() }}) as category
from rows
