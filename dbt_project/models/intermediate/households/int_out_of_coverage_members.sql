-- Members of a verification request or an assistance case whose data the city's sources cannot
-- speak for (docs/policy.md §11): the city's hukou source has no record of them. Their local
-- income and asset figures are not evidence of absence. region_code is the region of their ID
-- number (first two digits + '0000'); Beijing (110000) and Hebei (130000) are the partner
-- regions that answer queries (exchange.md), any other region has no partner. Only known when
-- the hukou source is usable for the run: an unusable hukou already leaves these results
-- incomplete (int_result_completeness).

with hukou_usable as (

    select usable from {{ ref('int_source_status') }}
    where source = 'hukou' and usable

),

hukou as (

    select distinct id_number from {{ ref('stg_hukou') }}

),

members as (

    select household_kind, household_id, id_number
    from {{ ref('int_household_members') }}
    where household_kind in ('request', 'case')

)

select
    members.household_kind,
    members.household_id,
    members.id_number,
    cast({{ hedui.region_code('members.id_number') }} as {{ dbt.type_string() }}) as region_code,
    {{ hedui.region_code('members.id_number') }} in ('110000', '130000') as has_partner
from members
cross join hukou_usable
where not exists (
    select 1 from hukou
    where hukou.id_number = members.id_number
)
