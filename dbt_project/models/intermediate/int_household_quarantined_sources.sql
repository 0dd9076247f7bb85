-- Per household (hukou, case, request): the sources its result depends on from which rows
-- naming one of its members, or the household itself (its hukou, case or request number), were
-- quarantined. Part of the household's data is missing, so the result is incomplete (policy.md
-- §7: missing data is never zero), even though the source as a whole was usable.

with keys as (

    select source, key_kind, key from {{ source('hedui', 'quarantined_keys') }}

),

named as (

    select members.household_kind, members.household_id, keys.source
    from {{ ref('int_household_members') }} as members
    inner join keys
        on keys.key_kind = 'person'
        and keys.key = members.id_number
    union all
    select key_kind as household_kind, key as household_id, source
    from keys
    where key_kind <> 'person'

),

quarantined as (

    select distinct named.household_kind, named.household_id, named.source
    from named
    inner join {{ ref('int_result_sources') }} as dependencies
        on dependencies.result = named.household_kind
        and dependencies.source = named.source

)

select
    household_kind,
    household_id,
    {{ hedui.sorted_string_array_agg('source') }} as quarantined_sources
from quarantined
group by household_kind, household_id
