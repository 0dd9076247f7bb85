-- Per person of today's low-income population: since, the first run date of the person's current
-- continuous monitoring, from the spells of earlier runs (raw population_history, carried from
-- the previously published warehouse; only runs before D count). Continuous = listed in every
-- run from since to D, whatever the category; a run whose population was incomplete (a source
-- unusable) neither breaks nor starts a streak. Each spell is read as the complete runs it
-- covers (numbered 1..N before D, D = N + 1): streaks are runs of adjacent numbers.

with params as (

    select run_date from {{ ref('int_policy_parameters') }}

),

earlier_runs as (

    select
        runs.run_date,
        runs.population_complete,
        sum(case when runs.population_complete then 1 else 0 end) over (
            order by runs.run_date rows between unbounded preceding and current row
        ) as complete_upto
    from {{ source('hedui', 'monitoring_runs') }} as runs
    cross join params
    where runs.run_date < params.run_date

),

today as (

    select count(*) + 1 as run_seq
    from earlier_runs
    where population_complete

),

covered as (

    -- the complete runs before D a spell covers: lo .. hi (none when lo > hi)
    select
        history.person_key,
        first_run.complete_upto
        - case when first_run.population_complete then 1 else 0 end
        + 1 as lo,
        case
            when history.to_date >= params.run_date then today.run_seq - 1
            else last_run.complete_upto
        end as hi
    from {{ source('hedui', 'population_history') }} as history
    cross join params
    cross join today
    inner join earlier_runs as first_run on first_run.run_date = history.from_date
    left join earlier_runs as last_run on last_run.run_date = history.to_date

),

intervals as (

    select person_key, lo, hi from covered
    where lo <= hi
    union all
    select population.person_key, today.run_seq as lo, today.run_seq as hi
    from {{ ref('int_monitor_population') }} as population
    cross join today

),

starts as (

    select
        person_key,
        lo,
        hi,
        case
            when lo = lag(hi) over (partition by person_key order by lo) + 1 then 0 else 1
        end as is_start
    from intervals

),

streaks as (

    select
        person_key,
        lo,
        hi,
        sum(is_start) over (
            partition by person_key order by lo
            rows between unbounded preceding and current row
        ) as streak
    from starts

),

current_streak as (

    select streaks.person_key, streaks.since_seq
    from (
        select
            person_key,
            hi,
            min(lo) over (partition by person_key, streak) as since_seq
        from streaks
    ) as streaks
    cross join today
    where streaks.hi = today.run_seq

)

select
    current_streak.person_key,
    coalesce(since_run.run_date, params.run_date) as since
from current_streak
cross join params
left join earlier_runs as since_run
    on
        since_run.population_complete
        and since_run.complete_upto = current_streak.since_seq
