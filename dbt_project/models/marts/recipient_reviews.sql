-- 动态调整: one row per active assistance case and review code of the run (policy.md §8), with the
-- evidence rows. A review is a task for staff, never an automatic stop of payment.

with params as (

    select run_date, policy_version from {{ ref('int_policy_parameters') }}

)

select
    cast(reviews.case_no as {{ dbt.type_string() }}) as case_no,
    params.run_date,
    cast(reviews.review_code as {{ dbt.type_string() }}) as review_code,
    cast(reviews.assistance_type as {{ dbt.type_string() }}) as assistance_type,
    cast(reviews.evidence as {{ dbt.type_string() }}) as evidence,
    cast(params.policy_version as {{ dbt.type_string() }}) as policy_version
from {{ ref('int_monitor_reviews') }} as reviews
cross join params
