-- Per figure of the rules: whether all of its sources are usable, and whether a usable source
-- leaves the figure partial for everyone (a monthly window source whose delivery does not cover
-- the last months of the run's window). A figure whose source failed or is missing is unknown
-- (null), never zero (docs/policy.md §7); a partial figure is a lower bound (docs/missing-data.md).

with rule_sources as (

    select figure, source from {{ ref('rule_sources') }}

),

status as (

    select source, usable, covers_window from {{ ref('int_source_status') }}

)

select
    rule_sources.figure,
    sum(case when coalesce(status.usable, false) then 0 else 1 end) = 0 as is_known,
    sum(
        case
            when coalesce(status.usable, false) and not coalesce(status.covers_window, true)
                then 1
            else 0
        end
    ) > 0 as is_partial
from rule_sources
left join status on status.source = rule_sources.source
group by rule_sources.figure
