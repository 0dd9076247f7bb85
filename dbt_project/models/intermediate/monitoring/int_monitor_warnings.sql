-- The return-to-poverty warnings that fire on the run (docs/policy.md §8): one row per monitored
-- hukou household and warning code whose rule fired, with severity and evidence. Only households
-- known to be monitored, and only rules whose sources are all usable (int_monitor_rule_status).

with fired as (

    select household_id, warning_code, severity, evidence from {{ ref('int_monitor_income_drop') }}
    union all
    select household_id, warning_code, severity, evidence from {{ ref('int_monitor_medical') }}
    union all
    select household_id, warning_code, severity, evidence from {{ ref('int_monitor_death') }}
    union all
    select household_id, warning_code, severity, evidence from {{ ref('int_monitor_disability') }}
    union all
    select household_id, warning_code, severity, evidence from {{ ref('int_monitor_job_loss') }}
    union all
    select household_id, warning_code, severity, evidence from {{ ref('int_monitor_education') }}

)

select
    fired.household_id,
    fired.warning_code,
    fired.severity,
    fired.evidence
from fired
inner join {{ ref('int_monitor_households') }} as households
    on households.household_id = fired.household_id
inner join {{ ref('int_monitor_rule_status') }} as rules
    on rules.rule_code = fired.warning_code
where
    households.monitored
    and rules.is_known
