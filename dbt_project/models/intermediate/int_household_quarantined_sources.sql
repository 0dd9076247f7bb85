-- Per household (hukou, case, request): the sources its result depends on from which rows
-- naming one of its members were quarantined. Part of that member's data is missing, so the
-- result is incomplete (policy.md §7: missing data is never zero), even though the source as a
-- whole was usable.

with quarantined as (

    select distinct
        members.household_kind,
        members.household_id,
        persons.source
    from {{ ref('int_household_members') }} as members
    inner join {{ source('hedui', 'quarantined_persons') }} as persons
        on persons.id_number = members.id_number
    inner join {{ ref('int_result_sources') }} as dependencies
        on dependencies.result = members.household_kind
        and dependencies.source = persons.source

)

select
    household_kind,
    household_id,
    {{ hedui.sorted_string_array_agg('source') }} as quarantined_sources
from quarantined
group by household_kind, household_id
