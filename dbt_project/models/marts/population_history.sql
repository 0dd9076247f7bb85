-- The low-income population of every run as spells: one row per person's continuous membership
-- of a category in a household (person, household, category, from_date, to_date). A change of
-- category or household, or a run the person is not listed in, closes the spell (to_date = its
-- last run) and the next listing opens a new one. Built from the published spells (raw
-- population_history, this run date included) with the run date taken out, plus the run's
-- population, merged again: a re-run or a backfill gives the spells of the runs in turn.

with params as (

    select run_date from {{ ref('int_policy_parameters') }}

),

runs as (

    select runs.run_date
    from {{ source('hedui', 'monitoring_runs') }} as runs
    cross join params
    where runs.run_date <> params.run_date
    union
    select run_date from params

),

run_sequence as (

    select run_date, row_number() over (order by run_date) as run_seq
    from runs

),

today as (

    select run_sequence.run_seq
    from run_sequence
    inner join params on params.run_date = run_sequence.run_date

),

published as (

    select
        history.person_key,
        history.household_id,
        history.category,
        first_run.run_seq as from_seq,
        last_run.run_seq as to_seq
    from {{ source('hedui', 'population_history') }} as history
    inner join run_sequence as first_run on first_run.run_date = history.from_date
    inner join run_sequence as last_run on last_run.run_date = history.to_date

),

pieces as (

    -- the published spells without this run: the part before it and the part after it
    select
        published.person_key,
        published.household_id,
        published.category,
        published.from_seq,
        least(published.to_seq, today.run_seq - 1) as to_seq
    from published
    cross join today
    where published.from_seq < today.run_seq
    union all
    select
        published.person_key,
        published.household_id,
        published.category,
        greatest(published.from_seq, today.run_seq + 1) as from_seq,
        published.to_seq
    from published
    cross join today
    where published.to_seq > today.run_seq
    union all
    select
        population.person_key,
        population.household_id,
        population.category,
        today.run_seq as from_seq,
        today.run_seq as to_seq
    from {{ ref('int_monitor_population') }} as population
    cross join today

),

starts as (

    select
        person_key,
        household_id,
        category,
        from_seq,
        to_seq,
        case
            when
                from_seq
                = lag(to_seq)
                    over (
                        partition by person_key, household_id, category order by from_seq
                    )
                + 1
                then 0
            else 1
        end as is_start
    from pieces

),

islands as (

    select
        person_key,
        household_id,
        category,
        from_seq,
        to_seq,
        sum(is_start) over (
            partition by person_key, household_id, category
            order by from_seq
            rows between unbounded preceding and current row
        ) as island
    from starts

),

spells as (

    select
        person_key,
        household_id,
        category,
        min(from_seq) as from_seq,
        max(to_seq) as to_seq
    from islands
    group by person_key, household_id, category, island

)

select
    cast(spells.person_key as {{ dbt.type_string() }}) as person_key,
    cast(spells.household_id as {{ dbt.type_string() }}) as household_id,
    cast(spells.category as {{ dbt.type_string() }}) as category,
    first_run.run_date as from_date,
    last_run.run_date as to_date
from spells
inner join run_sequence as first_run on first_run.run_seq = spells.from_seq
inner join run_sequence as last_run on last_run.run_seq = spells.to_seq
