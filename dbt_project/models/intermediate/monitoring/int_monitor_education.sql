-- W_EDUCATION (docs/policy.md §8) per hukou household: the yearly education cost of section 4
-- (tuition and boarding of members enrolled in a non-compulsory stage in the current school
-- year) > 0 and >= education_income_share of the 12-month household income (section 3, summed
-- over the income window). Yellow.
{%- set wide = hedui.type_wide_amount() %}
{%- set money = hedui.type_money() %}

with params as (

    select
        school_year,
        cast(education_income_share as {{ wide }}) as income_share
    from {{ ref('int_policy_parameters') }}

),

members as (

    select household_id, id_number
    from {{ ref('int_household_members') }}
    where household_kind = 'hukou'

),

totals as (

    select household_id, education_cost, income_12m
    from {{ ref('int_monitor_household_totals') }}

),

fired as (

    select totals.household_id, totals.education_cost, totals.income_12m
    from totals
    cross join params
    where
        totals.education_cost > 0
        and totals.education_cost >= params.income_share * totals.income_12m

),

items as (

    select
        fired.household_id,
        0 as item_group,
        {{ hedui.evidence_item(
            source="'computed'",
            item="'household_education_cost_year'",
            amount='cast(fired.education_cost as ' ~ money ~ ')') }} as item
    from fired

    union all

    select
        fired.household_id,
        0 as item_group,
        {{ hedui.evidence_item(
            source="'computed'",
            item="'household_income_12_months'",
            amount='cast(fired.income_12m as ' ~ money ~ ')') }} as item
    from fired

    union all

    select
        fired.household_id,
        1 as item_group,
        {{ hedui.evidence_item(
            source="'education'",
            file='school.source_file',
            line='school.source_line',
            record='cast(school.school_year as ' ~ dbt.type_string() ~ ")",
            person_key='identity.person_key',
            item="'tuition_and_boarding_' || school.stage",
            amount='cast(school.tuition_per_year + coalesce(school.boarding_per_year, 0) as '
                   ~ money ~ ')') }} as item
    from fired
    inner join members on members.household_id = fired.household_id
    inner join {{ ref('stg_education') }} as school
        on school.id_number = members.id_number
    cross join params
    left join {{ source('hedui', 'identity') }} as identity
        on identity.id_number = members.id_number
    where
        school.school_year = params.school_year
        and school.enrollment_status = 'enrolled'
        and school.stage in {{ hedui.policy_category('non_compulsory_stages') }}

)

select
    fired.household_id,
    'W_EDUCATION' as warning_code,
    'yellow' as severity,
    {{ hedui.evidence_list('items.item', 'items.item_group, items.item') }} as evidence
from fired
inner join items on items.household_id = fired.household_id
group by fired.household_id
