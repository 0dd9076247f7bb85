-- Each member's monthly income: the sum over the income window divided by its months, to the
-- cent (half-up). A member without income records has 0.

with params as (

    select income_window_months from {{ ref('int_policy_parameters') }}

),

totals as (

    select
        persons.id_number,
        coalesce(sum(monthly.income), 0) as window_income
    from {{ ref('int_persons') }} as persons
    left join {{ ref('int_member_income_monthly') }} as monthly
        on monthly.id_number = persons.id_number
    group by persons.id_number

)

select
    totals.id_number,
    cast(totals.window_income as {{ hedui.type_amount() }}) as window_income,
    {{ hedui.div_half_up('totals.window_income', 'params.income_window_months') }}
        as monthly_income
from totals
cross join params
