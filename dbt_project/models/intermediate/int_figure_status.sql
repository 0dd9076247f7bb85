-- Per figure of the rules: whether all of its sources are usable. A figure whose source failed
-- or is missing is unknown (null), never zero (policy.md §7).

with rule_sources as (

    select figure, source from {{ ref('rule_sources') }}

),

status as (

    select source, usable from {{ ref('int_source_status') }}

)

select
    rule_sources.figure,
    sum(case when coalesce(status.usable, false) then 0 else 1 end) = 0 as is_known
from rule_sources
left join status on status.source = rule_sources.source
group by rule_sources.figure
