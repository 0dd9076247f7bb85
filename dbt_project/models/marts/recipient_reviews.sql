-- 动态调整: one row per active assistance case and review code of the run (docs/policy.md §8) that
-- fired or could not be evaluated (evaluated = false, evidence names the missing sources), with
-- complete and missing_sources. A review is a task for staff, never an automatic stop of payment.

with params as (

    select run_date, policy_version from {{ ref('int_policy_parameters') }}

)

select
    cast(reviews.case_no as {{ dbt.type_string() }}) as case_no,
    params.run_date,
    cast(reviews.review_code as {{ dbt.type_string() }}) as review_code,
    cast(reviews.assistance_type as {{ dbt.type_string() }}) as assistance_type,
    reviews.evaluated,
    cast(reviews.evidence as {{ dbt.type_string() }}) as evidence,
    reviews.complete,
    reviews.missing_sources,
    cast(params.policy_version as {{ dbt.type_string() }}) as policy_version
from {{ ref('int_monitor_reviews') }} as reviews
cross join params
