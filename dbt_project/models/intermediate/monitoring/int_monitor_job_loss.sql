-- W_JOB_LOSS (docs/policy.md §8) per hukou household: a member with paid pension contributions in
-- at least job_loss_paid_months_min of the warning_base_months full months before the last
-- warning_recent_months and none in the last warning_recent_months; or a registered_unemployed
-- registration dated in the last warning_horizon_days days and still open (end_date empty or after
-- D). Yellow.

with params as (

    select
        run_date,
        run_month_index,
        cast(warning_recent_months as integer) as recent_months,
        cast(warning_base_months as integer) as base_months,
        cast(job_loss_paid_months_min as integer) as paid_months_min,
        {{ hedui.days_before('run_date', 'warning_horizon_days') }} as horizon_start
    from {{ ref('int_policy_parameters') }}

),

windows as (

    select {{ hedui.warning_window_labels() }}
    from params

),

members as (

    select household_id, id_number
    from {{ ref('int_household_members') }}
    where household_kind = 'hukou'

),

contributions as (

    select
        members.household_id,
        members.id_number,
        insurance.period,
        insurance.amount,
        insurance.source_file,
        insurance.source_line,
        {{ hedui.period_month_index('insurance.period') }}
        >= params.run_month_index - params.recent_months as is_recent
    from members
    inner join {{ ref('stg_social_insurance') }} as insurance
        on insurance.id_number = members.id_number
    cross join params
    where
        insurance.record_type = 'contribution'
        and insurance.item = 'pension'
        and insurance.payment_status = 'paid'
        and {{ hedui.period_month_index('insurance.period') }}
        >= params.run_month_index - params.recent_months - params.base_months
        and {{ hedui.period_month_index('insurance.period') }} < params.run_month_index

),

paid as (

    select
        household_id,
        id_number,
        count(distinct case when not is_recent then period end) as paid_months_before,
        count(distinct case when is_recent then period end) as paid_months_recent,
        max(period) as last_paid_period
    from contributions
    group by household_id, id_number

),

stopped as (

    select paid.*
    from paid
    cross join params
    where
        paid.paid_months_before >= params.paid_months_min
        and paid.paid_months_recent = 0

),

registrations as (

    select
        members.household_id,
        members.id_number,
        employment.registered_date,
        employment.end_date,
        employment.source_file,
        employment.source_line
    from members
    inner join {{ ref('stg_employment') }} as employment
        on employment.id_number = members.id_number
    cross join params
    where
        employment.status = 'registered_unemployed'
        and employment.registered_date > params.horizon_start
        and employment.registered_date <= params.run_date
        and (employment.end_date is null or employment.end_date > params.run_date)

),

items as (

    {{ hedui.window_evidence(
        'stopped.household_id', 'stopped', "'social_insurance'", id_number='stopped.id_number',
        identity=source('hedui', 'identity'),
        items={'recent': "'paid_pension_contribution_months_recent'",
               'base': "'paid_pension_contribution_months_before'"},
        amounts={'recent': 'stopped.paid_months_recent', 'base': 'stopped.paid_months_before'}) }}

    union all

    select
        stopped.household_id,
        {{ hedui.evidence_item(
            source="'social_insurance'",
            file='contributions.source_file',
            line='contributions.source_line',
            record='contributions.period',
            person_key='identity.person_key',
            item="'last_paid_pension_contribution'",
            amount='cast(contributions.amount as ' ~ hedui.type_money() ~ ')') }} as item
    from stopped
    inner join contributions
        on
            contributions.id_number = stopped.id_number
            and contributions.period = stopped.last_paid_period
    left join {{ source('hedui', 'identity') }} as identity
        on identity.id_number = stopped.id_number

    union all

    select
        registrations.household_id,
        {{ hedui.evidence_item(
            source="'employment'",
            file='registrations.source_file',
            line='registrations.source_line',
            record='registrations.end_date',
            person_key='identity.person_key',
            day='registrations.registered_date',
            item="'registered_unemployed'") }} as item
    from registrations
    left join {{ source('hedui', 'identity') }} as identity
        on identity.id_number = registrations.id_number

)

select
    household_id,
    'W_JOB_LOSS' as warning_code,
    'yellow' as severity,
    {{ hedui.evidence_list('item', 'item') }} as evidence
from items
group by household_id
