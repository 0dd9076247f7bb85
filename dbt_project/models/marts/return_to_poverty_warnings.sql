-- 返贫预警: one row per hukou household and warning code of the run (docs/policy.md §8) with its
-- severity, lifecycle status (new, ongoing, resolved), first_seen / last_seen and the evidence
-- rows that fired it. complete = false marks a warning of the previous run that could not be
-- evaluated (a source is unusable) and is carried forward as ongoing.

with params as (

    select run_date, policy_version from {{ ref('int_policy_parameters') }}

)

select
    cast(lifecycle.household_id as {{ dbt.type_string() }}) as household_id,
    params.run_date,
    cast(lifecycle.warning_code as {{ dbt.type_string() }}) as warning_code,
    cast(lifecycle.severity as {{ dbt.type_string() }}) as severity,
    cast(lifecycle.status as {{ dbt.type_string() }}) as status,
    lifecycle.first_seen,
    lifecycle.last_seen,
    cast(lifecycle.evidence as {{ dbt.type_string() }}) as evidence,
    lifecycle.complete,
    lifecycle.missing_sources,
    cast(params.policy_version as {{ dbt.type_string() }}) as policy_version
from {{ ref('int_monitor_warning_lifecycle') }} as lifecycle
cross join params
