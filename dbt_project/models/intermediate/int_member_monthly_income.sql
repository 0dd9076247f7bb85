-- Section 3 income of each member per month, over the income_window_months full calendar
-- months before D's month: tax income of every item (gross), and paid social-insurance benefits
-- of the income items. Resident pension, assistance payments, housing fund and rent subsidies
-- are not income. Months without records have no row (they count as 0).

with params as (

    select run_month_index, income_window_months from {{ ref('int_policy_parameters') }}

),

persons as (

    select id_number from {{ ref('int_persons') }}

),

tax as (

    select
        tax.id_number,
        tax.period,
        tax.income as amount
    from {{ ref('stg_tax') }} as tax

),

benefits as (

    select
        insurance.id_number,
        insurance.period,
        insurance.amount
    from {{ ref('stg_social_insurance') }} as insurance
    where insurance.record_type = 'benefit'
        and insurance.item in {{ hedui.sql_list(var('income_benefit_items')) }}
        and insurance.payment_status = 'paid'

),

items as (

    select id_number, period, amount from tax
    union all
    select id_number, period, amount from benefits

),

windowed as (

    select
        items.id_number,
        items.period,
        {{ hedui.period_month_index('items.period') }} as month_index,
        items.amount
    from items
    inner join persons on persons.id_number = items.id_number
    cross join params
    where {{ hedui.period_month_index('items.period') }}
            >= params.run_month_index - params.income_window_months
        and {{ hedui.period_month_index('items.period') }} < params.run_month_index

)

select
    id_number,
    period,
    month_index,
    cast(sum(amount) as {{ hedui.type_amount() }}) as income
from windowed
group by id_number, period, month_index
