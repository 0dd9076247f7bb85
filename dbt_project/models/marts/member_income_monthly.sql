-- 收入明细: the section 3 income of every member (docs/policy.md §3) by source, item and month, over
-- the income_window_months full calendar months before D's month: tax income of every item
-- (gross) and paid social-insurance benefits of the income items, as the rules read them
-- (int_member_income_items). The rows add up, per member and month, to int_member_income_monthly
-- (a data test checks it). Months without records have no row (they count as 0).
-- Pseudonymised: person_key only.

with params as (

    select run_date from {{ ref('int_policy_parameters') }}

),

identity as (

    select id_number, person_key from {{ source('hedui', 'identity') }}

)

select
    cast(identity.person_key as {{ dbt.type_string() }}) as person_key,
    params.run_date,
    items.source,
    items.item,
    cast(items.period as {{ dbt.type_string() }}) as period,
    items.amount,
    items.records
from {{ ref('int_member_income_items') }} as items
cross join params
left join identity on identity.id_number = items.id_number
