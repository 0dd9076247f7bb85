-- Per household (hukou, case, request): the sources its result depends on from which rows naming
-- one of its members, or the household itself, were quarantined. Part of the household's data is
-- missing, so the result is incomplete (docs/policy.md §7: missing data is never zero), even though
-- the source as a whole was usable. A member out of local coverage without an answer that
-- counts adds cross_region:<region code> (int_household_cross_region_gaps, docs/policy.md §11).

with quarantined as (

    select quarantined.household_kind, quarantined.household_id, quarantined.source
    from {{ ref('int_quarantined_households') }} as quarantined
    inner join {{ ref('int_result_sources') }} as dependencies
        on
            dependencies.result = quarantined.household_kind
            and dependencies.source = quarantined.source

    union all

    select household_kind, household_id, missing_source as source
    from {{ ref('int_household_cross_region_gaps') }}

)

select
    household_kind,
    household_id,
    {{ hedui.sorted_string_array_agg('source') }} as quarantined_sources
from quarantined
group by household_kind, household_id
