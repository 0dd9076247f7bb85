-- The low-income population of the run (docs/policy.md §8), one row per person: every category that
-- applies (a tier other than none for the members of a hukou household; assisted for the living
-- members of an active case, listed under the household_no of their hukou row, even when moved
-- out; monitored for the members of a hukou household whose per-capita income is below the
-- monitor line) and the first of them in the order of seeds/population_categories.csv.

with households as (

    select household_id, tier, below_monitor_line from {{ ref('int_monitor_households') }}

),

members as (

    select household_id, id_number
    from {{ ref('int_household_members') }}
    where household_kind = 'hukou'

),

roll as (

    select is_known from {{ ref('int_figure_status') }}
    where figure = 'active_cases'

),

hukou as (

    select id_number, household_no from {{ ref('stg_hukou') }}

),

candidates as (

    select members.id_number, members.household_id, households.tier as category
    from members
    inner join households on households.household_id = members.household_id
    where households.tier <> 'none'

    union all

    select members.id_number, members.household_id, 'assisted' as category
    from members
    inner join {{ ref('int_active_case_members') }} as active
        on active.id_number = members.id_number
    cross join roll
    where roll.is_known

    union all

    -- case members outside a hukou household of the run (moved out, or not in the hukou)
    select
        active.id_number,
        coalesce(hukou.household_no, active.case_no) as household_id,
        'assisted' as category
    from {{ ref('int_active_case_members') }} as active
    cross join roll
    left join hukou on hukou.id_number = active.id_number
    where
        roll.is_known
        and not exists (
            select 1 from members
            where members.id_number = active.id_number
        )

    union all

    select members.id_number, members.household_id, 'monitored' as category
    from members
    inner join households on households.household_id = members.household_id
    where households.below_monitor_line

),

ranked as (

    select distinct
        candidates.id_number,
        candidates.household_id,
        candidates.category,
        categories.category_order
    from candidates
    inner join {{ ref('population_categories') }} as categories
        on categories.category = candidates.category

),

firsts as (

    select
        id_number,
        household_id,
        category,
        row_number() over (
            partition by id_number order by category_order, household_id
        ) as precedence
    from ranked

),

lists as (

    select
        id_number,
        {{ hedui.ordered_string_array_agg('category', 'category_order') }} as categories
    from (select distinct id_number, category, category_order from ranked) as distinct_categories
    group by id_number

)

select
    firsts.id_number,
    identity.person_key,
    firsts.household_id,
    firsts.category,
    lists.categories
from firsts
inner join lists on lists.id_number = firsts.id_number
left join {{ source('hedui', 'identity') }} as identity
    on identity.id_number = firsts.id_number
where firsts.precedence = 1
