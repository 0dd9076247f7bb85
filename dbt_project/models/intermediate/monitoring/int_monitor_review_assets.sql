-- Reviews of current recipients (动态调整, docs/policy.md §8), one row per active assistance_roll case
-- (start_date <= D, end_date empty or >= D) for which this review fires, with evidence.
-- R_ASSETS: asset test A1 fails for the case. Evidence: cash-type assets per capita, the
-- limit and each living member's non-zero components.
{%- set money = hedui.type_money() %}

with params as (

    select run_date, dibao_standard, low_income_line, asset_limit_per_person
    from {{ ref('int_policy_parameters') }}

),

cases as (

    select case_no, cash_assets_per_capita, a1_cash_assets_failed
    from {{ ref('int_monitor_review_cases') }}

),

members as (

    select case_no, id_number, person_key
    from {{ ref('int_monitor_review_case_members') }}
    where is_living

),

components as (

    {%- set parts = [('deposit', 'deposits'), ('wealth_product', 'wealth_products'),
                     ('stock', 'stocks'), ('bond', 'bonds'), ('fund', 'funds'),
                     ('commercial_insurance', 'insurance_cash_value'),
                     ('market_entity', 'investor_capital')] %}
    {%- for source, column in parts %}
        select
            id_number,
            '{{ source }}' as source,
            '{{ column }}' as component,
            {{ column }} as amount
        from {{ ref('int_member_cash_assets') }}
        where {{ column }} <> 0
        {{ 'union all' if not loop.last }}
    {%- endfor %}

),

items as (

    select
        cases.case_no,
        'R_ASSETS' as review_code,
        0 as item_group,
        {{ hedui.evidence_item(
            source="'computed'", item="'cash_assets_per_capita'",
            amount='cast(cases.cash_assets_per_capita as ' ~ money ~ ')') }} as item
    from cases
    where cases.a1_cash_assets_failed

    union all

    select
        cases.case_no,
        'R_ASSETS' as review_code,
        0 as item_group,
        {{ hedui.evidence_item(
            source="'computed'", item="'cash_assets_limit_per_person'",
            amount='cast(params.asset_limit_per_person as ' ~ money ~ ')') }} as item
    from cases
    cross join params
    where cases.a1_cash_assets_failed

    union all

    select
        cases.case_no,
        'R_ASSETS' as review_code,
        1 as item_group,
        {{ hedui.evidence_item(
            source='components.source', person_key='members.person_key',
            item='components.component',
            amount='cast(components.amount as ' ~ money ~ ')') }} as item
    from cases
    inner join members on members.case_no = cases.case_no
    inner join components on components.id_number = members.id_number
    where cases.a1_cash_assets_failed

)

select
    items.case_no,
    'R_ASSETS' as review_code,
    {{ hedui.evidence_list('items.item', 'items.item_group, items.item') }} as evidence
from items
group by items.case_no
