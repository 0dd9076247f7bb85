-- Hukou households of the run as monitoring sees them (docs/policy.md §8): the tier and the
-- 12-month per-capita income of §3-6 (int_household_results), whether a living member is on an
-- active assistance case (assisted), and whether the household is monitored: a tier other than
-- none, assisted, or per-capita income below the monitor line. Three-valued: null when a source the
-- decision needs is unusable and no known condition already decides it.

with params as (

    select monitor_line from {{ ref('int_policy_parameters') }}

),

households as (

    select household_id, member_count, income_per_capita, tier
    from {{ ref('int_household_results') }}
    where household_kind = 'hukou'

),

roll as (

    select is_known from {{ ref('int_figure_status') }}
    where figure = 'active_cases'

),

assisted as (

    select distinct members.household_id
    from {{ ref('int_household_members') }} as members
    inner join {{ ref('int_active_case_members') }} as active
        on active.id_number = members.id_number
    where members.household_kind = 'hukou'

),

flags as (

    select
        households.household_id,
        households.member_count,
        households.income_per_capita,
        households.tier,
        case
            when not coalesce(roll.is_known, false) then null
            when assisted.household_id is not null then true
            else false
        end as assisted,
        households.income_per_capita < params.monitor_line as below_monitor_line
    from households
    cross join params
    cross join roll
    left join assisted on assisted.household_id = households.household_id

)

select
    household_id,
    member_count,
    income_per_capita,
    tier,
    assisted,
    below_monitor_line,
    (tier <> 'none') or assisted or below_monitor_line as monitored
from flags
