-- 低收入人口: the monitored population of the run (docs/policy.md §8), one row per person, with the
-- first category that applies and since, the first run date of the person's current continuous
-- monitoring (from the population history of earlier runs). complete / missing_sources: whether
-- every source the population depends on was usable (else a category may be missing, §7).

with params as (

    select run_date, policy_version from {{ ref('int_policy_parameters') }}

),

completeness as (

    select complete, missing_sources
    from {{ ref('int_result_completeness') }}
    where result = 'outreach'

)

select
    cast(population.person_key as {{ dbt.type_string() }}) as person_key,
    cast(population.household_id as {{ dbt.type_string() }}) as household_id,
    params.run_date,
    cast(population.category as {{ dbt.type_string() }}) as category,
    coalesce(since.since, params.run_date) as since,
    population.categories,
    completeness.complete,
    completeness.missing_sources,
    cast(params.policy_version as {{ dbt.type_string() }}) as policy_version
from {{ ref('int_monitor_population') }} as population
cross join params
cross join completeness
left join {{ ref('int_monitor_population_since') }} as since
    on since.person_key = population.person_key
