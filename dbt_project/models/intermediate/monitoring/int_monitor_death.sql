-- W_DEATH (docs/policy.md §8) per hukou household: a person of the household (any hukou row with
-- its household_no) died in the last warning_horizon_days days, aged death_age_min..death_age_max
-- at death, with section 3 income in the income window (a month whose income is not zero). The
-- death date is the death record's (death_date <= D), else the hukou status_date of a deceased row;
-- the age is in full years on that date, from the hukou birth date. Orange. The dead are no longer
-- members, so their income is read here with the definition of int_member_income_monthly (tax
-- income of every item, paid benefits of the income items).
{%- set money = hedui.type_money() %}

with params as (

    select
        run_date,
        run_month_index,
        cast(income_window_months as integer) as window_months,
        {{ hedui.days_before('run_date', 'warning_horizon_days') }} as horizon_start,
        cast(death_age_min as integer) as age_min,
        cast(death_age_max as integer) as age_max
    from {{ ref('int_policy_parameters') }}

),

hukou as (

    select
        id_number,
        household_no,
        birth_date,
        status,
        status_date,
        source_file,
        source_line
    from {{ ref('stg_hukou') }}

),

certified as (

    select
        death.id_number,
        death.death_date,
        death.source_file,
        death.source_line
    from {{ ref('stg_death') }} as death
    cross join params
    where death.death_date <= params.run_date

),

deaths as (

    select
        hukou.household_no as household_id,
        hukou.id_number,
        hukou.birth_date,
        case when certified.id_number is not null then 'death' else 'hukou' end as source,
        case
            when certified.id_number is not null then certified.death_date
            else hukou.status_date
        end as death_date,
        case
            when certified.id_number is not null then certified.source_file
            else hukou.source_file
        end as source_file,
        case
            when certified.id_number is not null then certified.source_line
            else hukou.source_line
        end as source_line
    from hukou
    left join certified on certified.id_number = hukou.id_number
    where certified.id_number is not null or hukou.status = 'deceased'

),

recent as (

    select
        deaths.*,
        {{ hedui.age_on('deaths.birth_date', 'deaths.death_date') }} as age_at_death
    from deaths
    cross join params
    where
        deaths.death_date > params.horizon_start
        and deaths.death_date <= params.run_date

),

working_age as (

    select recent.*
    from recent
    cross join params
    where
        recent.age_at_death >= params.age_min
        and recent.age_at_death <= params.age_max

),

income_items as (

    select tax.id_number, tax.period, tax.income as amount
    from {{ ref('stg_tax') }} as tax
    union all
    select insurance.id_number, insurance.period, insurance.amount
    from {{ ref('stg_social_insurance') }} as insurance
    where
        insurance.record_type = 'benefit'
        and insurance.item in {{ hedui.policy_category('income_benefit_items') }}
        and insurance.payment_status = 'paid'

),

monthly as (

    select income_items.id_number, income_items.period, sum(income_items.amount) as income
    from income_items
    inner join working_age on working_age.id_number = income_items.id_number
    cross join params
    where
        {{ hedui.period_month_index('income_items.period') }}
        >= params.run_month_index - params.window_months
        and {{ hedui.period_month_index('income_items.period') }} < params.run_month_index
    group by income_items.id_number, income_items.period

),

earners as (

    select
        id_number,
        sum(income) as income_12m,
        sum(case when income <> 0 then 1 else 0 end) as months_with_income
    from monthly
    group by id_number

),

fired_deaths as (

    select working_age.*, earners.income_12m
    from working_age
    inner join earners on earners.id_number = working_age.id_number
    where earners.months_with_income > 0

),

items as (

    select
        fired_deaths.household_id,
        {{ hedui.evidence_item(
            source='fired_deaths.source',
            file='fired_deaths.source_file',
            line='fired_deaths.source_line',
            person_key='identity.person_key',
            day='fired_deaths.death_date',
            item="'death'") }} as item
    from fired_deaths
    left join {{ source('hedui', 'identity') }} as identity
        on identity.id_number = fired_deaths.id_number

    union all

    select
        fired_deaths.household_id,
        {{ hedui.evidence_item(
            source="'computed'",
            person_key='identity.person_key',
            day='fired_deaths.death_date',
            item="'age_at_death'",
            amount='fired_deaths.age_at_death') }} as item
    from fired_deaths
    left join {{ source('hedui', 'identity') }} as identity
        on identity.id_number = fired_deaths.id_number

    union all

    select
        fired_deaths.household_id,
        {{ hedui.evidence_item(
            source="'tax+social_insurance'",
            person_key='identity.person_key',
            item="'income_12_months'",
            amount='cast(fired_deaths.income_12m as ' ~ money ~ ')') }} as item
    from fired_deaths
    left join {{ source('hedui', 'identity') }} as identity
        on identity.id_number = fired_deaths.id_number

)

select
    household_id,
    'W_DEATH' as warning_code,
    'orange' as severity,
    {{ hedui.evidence_list('item', 'item') }} as evidence
from items
group by household_id
