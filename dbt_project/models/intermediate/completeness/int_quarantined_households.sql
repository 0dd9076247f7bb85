-- Households (hukou, case, request) named by quarantined rows, per source: through a member's
-- ID number, or the household's own hukou, case or request number (raw.quarantined_keys). The
-- household's data of that source is partial for the run.

with keys as (

    select source, key_kind, key from {{ source('hedui', 'quarantined_keys') }}

),

named as (

    select members.household_kind, members.household_id, keys.source
    from {{ ref('int_household_members') }} as members
    inner join keys
        on
            keys.key_kind = 'person'
            and keys.key = members.id_number
    union all
    select key_kind as household_kind, key as household_id, source
    from keys
    where key_kind <> 'person'

)

select distinct household_kind, household_id, source
from named
