-- member_income_monthly adds up, per member and month, to the income the rules use
-- (int_member_income_monthly): rows where the two disagree.

with identity as (

    select id_number, person_key from {{ source('hedui', 'identity') }}

),

detail as (

    select person_key, period, sum(amount) as income
    from {{ ref('member_income_monthly') }}
    group by person_key, period

),

rules as (

    select identity.person_key, income.period, income.income
    from {{ ref('int_member_income_monthly') }} as income
    inner join identity on identity.id_number = income.id_number

)

select
    coalesce(detail.person_key, rules.person_key) as person_key,
    coalesce(detail.period, rules.period) as period,
    detail.income as detail_income,
    rules.income as rules_income
from detail
full outer join rules
    on
        rules.person_key = detail.person_key
        and rules.period = detail.period
where detail.income is distinct from rules.income
