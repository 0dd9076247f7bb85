-- 收入明细: the section 3 income of every member (policy.md §3) by source, item and month, over
-- the income_window_months full calendar months before D's month: tax income of every item
-- (gross) and paid social-insurance benefits of the income items. The rows add up, per member
-- and month, to int_member_monthly_income (a data test checks it). Months without records have
-- no row (they count as 0). Pseudonymised: person_key only.

with params as (

    select run_date, run_month_index, income_window_months
    from {{ ref('int_policy_parameters') }}

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
    where insurance.record_type = 'benefit'
        and insurance.item in {{ hedui.sql_list(var('income_benefit_items')) }}
        and insurance.payment_status = 'paid'

),

items as (

    select id_number, source, item, period, amount from tax
    union all
    select id_number, source, item, period, amount from benefits

),

windowed as (

    select
        items.id_number,
        items.source,
        items.item,
        items.period,
        items.amount,
        params.run_date
    from items
    inner join persons on persons.id_number = items.id_number
    cross join params
    where {{ hedui.period_month_index('items.period') }}
            >= params.run_month_index - params.income_window_months
        and {{ hedui.period_month_index('items.period') }} < params.run_month_index

),

identity as (

    select id_number, person_key from {{ source('hedui', 'identity') }}

)

select
    cast(identity.person_key as {{ dbt.type_string() }}) as person_key,
    windowed.run_date,
    cast(windowed.source as {{ dbt.type_string() }}) as source,
    cast(windowed.item as {{ dbt.type_string() }}) as item,
    cast(windowed.period as {{ dbt.type_string() }}) as period,
    cast(sum(windowed.amount) as {{ hedui.type_amount() }}) as amount,
    cast(count(*) as {{ dbt.type_bigint() }}) as records
from windowed
left join identity on identity.id_number = windowed.id_number
group by identity.person_key, windowed.run_date, windowed.source, windowed.item, windowed.period
