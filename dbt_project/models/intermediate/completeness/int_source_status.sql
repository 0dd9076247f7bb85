-- Whether each source's data may be used for the run (docs/policy.md §7): passed, or late within
-- its freshness limit, and loaded. Failed and missing sources make the results that read them
-- incomplete. A monthly window source (tax, social_insurance) delivered before D's month began
-- does not cover the last months of the run's window: covers_window is false and those months
-- are missing, not zero (docs/missing-data.md).

with params as (

    select run_month_index from {{ ref('int_policy_parameters') }}

),

status as (

    select * from {{ source('hedui', 'source_status') }}

)

select
    status.source,
    status.run_date,
    status.status,
    coalesce(status.usable, false) as usable,
    status.data_as_of,
    status.window_covered_through,
    status.window_covered_through is null
    or {{ hedui.month_index('status.window_covered_through') }}
    >= params.run_month_index - 1 as covers_window
from status
cross join params
