-- Per person of today's low-income population: since, the first run date of the person's current
-- continuous monitoring, from the population of earlier runs (raw population_history, carried
-- from the previously published warehouse; only runs before D count). Continuous = listed in
-- every run from since to D; a run whose population was incomplete (a source unusable) neither
-- breaks nor starts a streak.

with params as (

    select run_date from {{ ref('int_policy_parameters') }}

),

runs as (

    select runs.run_date
    from {{ source('hedui', 'monitoring_runs') }} as runs
    cross join params
    where runs.run_date < params.run_date
        and runs.population_complete
    union all
    select run_date from params

),

run_sequence as (

    select run_date, row_number() over (order by run_date) as run_seq
    from runs

),

presence as (

    select distinct history.person_key, history.run_date
    from {{ source('hedui', 'population_history') }} as history
    cross join params
    where history.run_date < params.run_date
    union all
    select population.person_key, params.run_date
    from {{ ref('int_monitor_population') }} as population
    cross join params

),

streaks as (

    select
        presence.person_key,
        presence.run_date,
        run_sequence.run_seq
            - row_number() over (
                partition by presence.person_key order by run_sequence.run_seq
            ) as streak
    from presence
    inner join run_sequence on run_sequence.run_date = presence.run_date

),

current_streak as (

    select streaks.person_key, streaks.streak
    from streaks
    inner join params on params.run_date = streaks.run_date

)

select
    streaks.person_key,
    min(streaks.run_date) as since
from streaks
inner join current_streak
    on current_streak.person_key = streaks.person_key
    and current_streak.streak = streaks.streak
group by streaks.person_key
