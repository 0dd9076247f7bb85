-- Per monitoring rule of docs/policy.md §8 (warning W_* and review R_* codes): whether every source
-- it reads (seeds/monitor_rule_sources.csv) is usable for the run and, for a monthly window source,
-- covers the run's window. A rule with a failed or missing source, or months a late delivery does
-- not cover, is not evaluated: it never fires on stale data, and a warning that fired in the
-- previous run is carried forward instead of resolved (missing is never "no", §7).

with rule_sources as (

    select rule_code, source from {{ ref('monitor_rule_sources') }}

),

status as (

    select source, usable, covers_window from {{ ref('int_source_status') }}

),

missing as (

    select
        rule_sources.rule_code,
        {{ hedui.sorted_string_array_agg('rule_sources.source') }} as missing_sources
    from rule_sources
    left join status on status.source = rule_sources.source
    where not coalesce(status.usable, false) or not coalesce(status.covers_window, true)
    group by rule_sources.rule_code

),

rules as (

    select distinct rule_code from rule_sources

)

select
    rules.rule_code,
    missing.rule_code is null as is_known,
    coalesce(missing.missing_sources, {{ hedui.string_array([]) }}) as missing_sources
from rules
left join missing on missing.rule_code = rules.rule_code
