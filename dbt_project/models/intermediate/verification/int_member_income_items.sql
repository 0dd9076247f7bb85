-- Section 3 income of each member by source, item and month (docs/policy.md §3), over the
-- income_window_months full calendar months before D's month: tax income of every item (gross)
-- and paid social-insurance benefits of the income items. Resident pension, assistance
-- payments, housing fund and rent subsidies are not income. The finest grain the rules read:
-- int_member_income_monthly adds it up per month, the mart member_income_monthly publishes it.

with params as (

    select run_month_index, income_window_months from {{ ref('int_policy_parameters') }}

),

persons as (

    select id_number from {{ ref('int_persons') }}

),

tax as (

    select
        tax.id_number,
        'tax' as source,
        tax.income_item as item,
        tax.period,
        tax.income as amount
    from {{ ref('stg_tax') }} as tax

),

benefits as (

    select
        insurance.id_number,
        'social_insurance' as source,
        insurance.item,
        insurance.period,
        insurance.amount
    from {{ ref('stg_social_insurance') }} as insurance
    where
        insurance.record_type = 'benefit'
        and insurance.item in {{ hedui.policy_category('income_benefit_items') }}
        and insurance.payment_status = 'paid'

),

remote as (

    -- a member out of local coverage: the income months of their partner region's answer
    -- (docs/policy.md §11)
    select
        id_number,
        'cross_region:' || region_code as source,
        item,
        period,
        amount
    from {{ ref('int_cross_region_income_months') }}

),

items as (

    select id_number, source, item, period, amount from tax
    union all
    select id_number, source, item, period, amount from benefits
    union all
    select id_number, source, item, period, amount from remote

),

windowed as (

    select
        items.id_number,
        items.source,
        items.item,
        items.period,
        {{ hedui.period_month_index('items.period') }} as month_index,
        items.amount
    from items
    inner join persons on persons.id_number = items.id_number
    cross join params
    where
        {{ hedui.period_month_index('items.period') }}
        >= params.run_month_index - params.income_window_months
        and {{ hedui.period_month_index('items.period') }} < params.run_month_index

)

select
    id_number,
    cast(source as {{ dbt.type_string() }}) as source,
    cast(item as {{ dbt.type_string() }}) as item,
    period,
    month_index,
    cast(sum(amount) as {{ hedui.type_amount() }}) as amount,
    cast(count(*) as {{ dbt.type_bigint() }}) as records
from windowed
group by id_number, source, item, period, month_index
