-- Section 3 income of each member per month (docs/policy.md §3): the sum of the member's income
-- items of the month (int_member_income_items) over the income window. Months without records
-- have no row (they count as 0).

select
    id_number,
    period,
    month_index,
    cast(sum(amount) as {{ hedui.type_amount() }}) as income
from {{ ref('int_member_income_items') }}
group by id_number, period, month_index
