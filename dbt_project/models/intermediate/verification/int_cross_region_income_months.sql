-- Section 3 income of members out of local coverage, from their partner region's answer
-- (docs/policy.md §3 and §11): the income_months records of int_cross_region_answers, kept for
-- the income_window_months full months before D's month (the months the rules use). Tax items
-- count in full; a social-insurance benefit item counts only when it is an income benefit item
-- (a resident pension is not income), exactly as for local data.

{%- set tax_items = hedui.registry_enum('tax', 'income_item') %}

with params as (

    select run_month_index, income_window_months from {{ ref('int_policy_parameters') }}

),

answered as (

    select id_number, region_code, income_months
    from {{ ref('int_cross_region_answers') }}
    where income_months is not null

),

elements as (

    {{ hedui.income_month_rows('answered', ['id_number', 'region_code']) }}

)

select
    elements.id_number,
    elements.region_code,
    cast(elements.period as {{ dbt.type_string() }}) as period,
    {{ hedui.period_month_index('elements.period') }} as month_index,
    cast(elements.item as {{ dbt.type_string() }}) as item,
    cast(elements.amount as {{ hedui.type_amount() }}) as amount
from elements
cross join params
where
    (
        elements.item in {{ hedui.sql_list(tax_items) }}
        or elements.item in {{ hedui.policy_category('income_benefit_items') }}
    )
    and {{ hedui.period_month_index('elements.period') }}
    >= params.run_month_index - params.income_window_months
    and {{ hedui.period_month_index('elements.period') }} < params.run_month_index
