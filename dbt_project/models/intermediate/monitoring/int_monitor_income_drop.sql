-- W_INCOME_DROP (docs/policy.md §8) per hukou household: the mean per-capita income of the last
-- warning_recent_months full months is below income_drop_ratio of the mean of the
-- warning_base_months full months before them, and below the monitor line; red when it is below
-- the low-income line, else orange. Section 3 income of the household's current members
-- (int_member_income_monthly). Compared exactly, without dividing: recent x base months <
-- ratio x base x recent months (the member count cancels).
{%- set wide = hedui.type_wide_amount() %}

with params as (

    select
        run_month_index,
        cast(warning_recent_months as integer) as recent_months,
        cast(warning_base_months as integer) as base_months,
        cast(income_drop_ratio as {{ wide }}) as ratio,
        cast(monitor_line as {{ wide }}) as monitor_line,
        cast(low_income_line as {{ wide }}) as low_income_line
    from {{ ref('int_policy_parameters') }}

),

windows as (

    select {{ hedui.warning_window_labels() }}
    from params

),

members as (

    select household_id, id_number
    from {{ ref('int_household_members') }}
    where household_kind = 'hukou'

),

member_income as (

    select
        members.household_id,
        members.id_number,
        cast(coalesce(sum(
            case
                when monthly.month_index >= params.run_month_index - params.recent_months
                    then monthly.income
            end
        ), 0) as {{ wide }}) as recent_income,
        cast(coalesce(sum(
            case
                when
                    monthly.month_index < params.run_month_index - params.recent_months
                    and monthly.month_index
                    >= params.run_month_index - params.recent_months - params.base_months
                    then monthly.income
            end
        ), 0) as {{ wide }}) as base_income
    from members
    cross join params
    left join {{ ref('int_member_income_monthly') }} as monthly
        on
            monthly.id_number = members.id_number
            and monthly.month_index < params.run_month_index
    group by members.household_id, members.id_number

),

households as (

    select
        household_id,
        count(*) as member_count,
        sum(recent_income) as recent_income,
        sum(base_income) as base_income
    from member_income
    group by household_id

),

fired as (

    select
        households.household_id,
        households.member_count,
        households.recent_income,
        households.base_income,
        case
            when
                households.recent_income
                < params.low_income_line * params.recent_months * households.member_count
                then 'red'
            else 'orange'
        end as severity
    from households
    cross join params
    where
        households.recent_income * params.base_months
        < params.ratio * households.base_income * params.recent_months
        and households.recent_income
        < params.monitor_line * params.recent_months * households.member_count

),

items as (

    {{ hedui.window_evidence(
        'fired.household_id', 'fired cross join params', "'computed'", item_group=0,
        items={'recent': "'per_capita_monthly_mean_recent'",
               'base': "'per_capita_monthly_mean_before'"},
        amounts={
            'recent': hedui.div_half_up('fired.recent_income',
                                        'params.recent_months * fired.member_count'),
            'base': hedui.div_half_up('fired.base_income',
                                      'params.base_months * fired.member_count')}) }}

    union all

    {{ hedui.window_evidence(
        'fired.household_id',
        'fired inner join member_income on member_income.household_id = fired.household_id',
        "'tax+social_insurance'", item_group=1, id_number='member_income.id_number',
        identity=source('hedui', 'identity'),
        items={'recent': "'income_recent'", 'base': "'income_before'"},
        amounts={
            'recent': 'cast(member_income.recent_income as ' ~ hedui.type_money() ~ ')',
            'base': 'cast(member_income.base_income as ' ~ hedui.type_money() ~ ')'}) }}

)

select
    fired.household_id,
    'W_INCOME_DROP' as warning_code,
    fired.severity,
    {{ hedui.evidence_list('items.item', 'items.item_group, items.item') }} as evidence
from fired
inner join items on items.household_id = fired.household_id
group by fired.household_id, fired.severity
