-- The warning rows of the run with their lifecycle across nightly runs (docs/policy.md §8), from
-- today's firings and the firings of earlier runs (raw warning_history, carried from the
-- previously published warehouse; only runs before D count, so re-running or backfilling a date
-- never reads its own or later rows):
--   new       fires today, did not fire in the previous run;
--   ongoing   fires today and fired in the previous run;
--   resolved  fired in the previous run, known not to fire today: keeps its last severity and
--             evidence, last_seen = the last run it fired;
--   carried   fired in the previous run but cannot be evaluated today (a source of the rule, or
--             of the household's monitoring, is unusable, or rows of a source of the rule naming
--             the household were quarantined): reported as ongoing with complete = false and
--             the missing sources, never resolved (missing is never "no").
-- A warning that fires today while rows of one of its sources naming the household were
-- quarantined is undecided when the missing rows could turn it off (more income, another member,
-- a death: seeds/monitor_rule_sources.csv missing_can_unfire): complete = false and those sources
-- named. Where the missing rows could only add to what fired (another claim, certificate or
-- education cost), the firing stands complete.
-- "Previous run" is the latest run date before D in the run log; first_seen is the first run of
-- the current streak of consecutive runs in which the warning fired (or was carried).

with params as (

    select run_date from {{ ref('int_policy_parameters') }}

),

runs as (

    select runs.run_date
    from {{ source('hedui', 'monitoring_runs') }} as runs
    cross join params
    where runs.run_date < params.run_date

),

previous_run as (

    select max(run_date) as run_date from runs

),

run_sequence as (

    select run_date, row_number() over (order by run_date) as run_seq
    from runs

),

history as (

    select
        history.household_id,
        history.warning_code,
        history.run_date,
        history.severity,
        history.evidence,
        history.evaluated,
        run_sequence.run_seq
        - row_number() over (
            partition by history.household_id, history.warning_code
            order by run_sequence.run_seq
        ) as streak
    from {{ source('hedui', 'warning_history') }} as history
    inner join run_sequence on run_sequence.run_date = history.run_date

),

streaks as (

    select
        household_id,
        warning_code,
        streak,
        min(run_date) as first_seen,
        max(case when evaluated then run_date end) as last_seen
    from history
    group by household_id, warning_code, streak

),

previous as (

    select
        history.household_id,
        history.warning_code,
        history.severity,
        history.evidence,
        streaks.first_seen,
        streaks.last_seen
    from history
    inner join previous_run on previous_run.run_date = history.run_date
    inner join streaks
        on
            streaks.household_id = history.household_id
            and streaks.warning_code = history.warning_code
            and streaks.streak = history.streak

),

today as (

    select household_id, warning_code, severity, evidence
    from {{ ref('int_monitor_warnings') }}

),

rules as (

    select rule_code, is_known, missing_sources from {{ ref('int_monitor_rule_status') }}

),

households as (

    select household_id, monitored from {{ ref('int_monitor_households') }}

),

population as (

    select missing_sources from {{ ref('int_result_completeness') }}
    where result = 'outreach'

),

members as (

    select is_known from {{ ref('int_figure_status') }}
    where figure = 'members_hukou'

),

quarantined as (

    -- per hukou household and rule: the rule's sources with quarantined rows of the household
    select
        households.household_id,
        rule_sources.rule_code,
        {{ hedui.sorted_string_array_agg('households.source') }} as missing_sources
    from {{ ref('int_quarantined_households') }} as households
    inner join {{ ref('monitor_rule_sources') }} as rule_sources
        on rule_sources.source = households.source
    where households.household_kind = 'hukou'
    group by households.household_id, rule_sources.rule_code

),

undecided as (

    -- per hukou household and rule: quarantined sources whose missing rows could unfire it
    select
        households.household_id,
        rule_sources.rule_code,
        {{ hedui.sorted_string_array_agg('households.source') }} as missing_sources
    from {{ ref('int_quarantined_households') }} as households
    inner join {{ ref('monitor_rule_sources') }} as rule_sources
        on rule_sources.source = households.source
    where
        households.household_kind = 'hukou'
        and coalesce(rule_sources.missing_can_unfire, true)
    group by households.household_id, rule_sources.rule_code

),

not_fired as (

    -- fired in the previous run, not today: resolved when known, else carried forward
    select
        previous.*,
        coalesce(rules.is_known, false)
        and quarantined.household_id is null
        and case
            when households.household_id is not null then households.monitored is not null
            else coalesce(members.is_known, false)
        end as is_known,
        case
            when not coalesce(rules.is_known, false) then rules.missing_sources
            when quarantined.household_id is not null then quarantined.missing_sources
            else population.missing_sources
        end as missing_sources
    from previous
    left join today
        on
            today.household_id = previous.household_id
            and today.warning_code = previous.warning_code
    left join rules on rules.rule_code = previous.warning_code
    left join households on households.household_id = previous.household_id
    left join quarantined
        on
            quarantined.household_id = previous.household_id
            and quarantined.rule_code = previous.warning_code
    cross join population
    cross join members
    where today.household_id is null

)

select
    today.household_id,
    today.warning_code,
    today.severity,
    case when previous.household_id is null then 'new' else 'ongoing' end as status,
    coalesce(previous.first_seen, params.run_date) as first_seen,
    params.run_date as last_seen,
    today.evidence,
    true as evaluated,
    undecided.household_id is null as complete,
    coalesce(undecided.missing_sources, {{ hedui.string_array([]) }}) as missing_sources
from today
cross join params
left join previous
    on
        previous.household_id = today.household_id
        and previous.warning_code = today.warning_code
left join undecided
    on
        undecided.household_id = today.household_id
        and undecided.rule_code = today.warning_code

union all

select
    household_id,
    warning_code,
    severity,
    case when is_known then 'resolved' else 'ongoing' end as status,
    first_seen,
    last_seen,
    evidence,
    false as evaluated,
    is_known as complete,
    case when is_known then {{ hedui.string_array([]) }} else missing_sources end
        as missing_sources
from not_fired
