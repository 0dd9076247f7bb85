-- Reviews of current recipients (动态调整, docs/policy.md §8), one row per active assistance_roll case
-- (start_date <= D, end_date empty or >= D) for which this review fires, with evidence.
-- R_INCOME: the per-capita income of the case's living members is at or above the line of
-- its type (dibao_standard for dibao and tekun_*, the low-income line for low_income, never
-- for expenditure_hardship). Evidence: the per-capita income, the line and every living
-- member's monthly average.
{%- set money = hedui.type_money() %}

with params as (

    select run_date, dibao_standard, low_income_line, asset_limit_per_person
    from {{ ref('int_policy_parameters') }}

),

cases as (

    select case_no, assistance_type, income_per_capita
    from {{ ref('int_monitor_review_cases') }}

),

members as (

    select case_no, id_number, person_key
    from {{ ref('int_monitor_review_case_members') }}
    where is_living

),

lines as (

    select
        cases.case_no,
        cases.assistance_type,
        cases.income_per_capita,
        case
            when cases.assistance_type in ('dibao', 'tekun_centralized', 'tekun_dispersed')
                then params.dibao_standard
            when cases.assistance_type = 'low_income' then params.low_income_line
        end as income_line
    from cases
    cross join params

),

items as (

    select
        lines.case_no,
        'R_INCOME' as review_code,
        0 as item_group,
        {{ hedui.evidence_item(
            source="'computed'", record='lines.assistance_type', item="'income_per_capita'",
            amount='cast(lines.income_per_capita as ' ~ money ~ ')') }} as item
    from lines
    where lines.income_per_capita >= lines.income_line

    union all

    select
        lines.case_no,
        'R_INCOME' as review_code,
        0 as item_group,
        {{ hedui.evidence_item(
            source="'computed'", record='lines.assistance_type', item="'income_line'",
            amount='cast(lines.income_line as ' ~ money ~ ')') }} as item
    from lines
    where lines.income_per_capita >= lines.income_line

    union all

    select
        lines.case_no,
        'R_INCOME' as review_code,
        1 as item_group,
        {{ hedui.evidence_item(
            source="'tax+social_insurance'", person_key='members.person_key',
            item="'monthly_income_12_month_average'",
            amount='cast(income.monthly_income as ' ~ money ~ ')') }} as item
    from lines
    inner join members on members.case_no = lines.case_no
    left join {{ ref('int_member_income') }} as income on income.id_number = members.id_number
    where lines.income_per_capita >= lines.income_line

)

select
    items.case_no,
    'R_INCOME' as review_code,
    {{ hedui.evidence_list('items.item', 'items.item_group, items.item') }} as evidence
from items
group by items.case_no
