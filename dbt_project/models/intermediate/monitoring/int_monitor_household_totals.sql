-- The 12-month household totals the W_EDUCATION and W_MEDICAL share rules compare (docs/policy.md
-- §8), per hukou household: section 4 yearly education cost and 12-month medical out-of-pocket,
-- and section 3 income summed over the income window. Members without rows add 0.
{%- set wide = hedui.type_wide_amount() %}

with members as (

    select household_id, id_number
    from {{ ref('int_household_members') }}
    where household_kind = 'hukou'

)

select
    members.household_id,
    cast(sum(coalesce(rigid.education_cost, 0)) as {{ wide }}) as education_cost,
    cast(sum(coalesce(rigid.medical_out_of_pocket, 0)) as {{ wide }}) as out_of_pocket_12m,
    cast(sum(coalesce(income.window_income, 0)) as {{ wide }}) as income_12m
from members
left join {{ ref('int_member_rigid_expenditure') }} as rigid
    on rigid.id_number = members.id_number
left join {{ ref('int_member_income') }} as income
    on income.id_number = members.id_number
group by members.household_id
