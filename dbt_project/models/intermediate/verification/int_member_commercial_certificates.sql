-- Valid commercial property certificates of each member (docs/policy.md §5 test 4 fails on any),
-- one row per certificate the member owns a share of. The finest grain the rules read:
-- int_member_commercial_property counts it per member, the mart member_homes publishes it.

select
    estate.owner_id_number as id_number,
    estate.cert_no,
    estate.share_ratio,
    estate.floor_area_m2
from {{ ref('stg_real_estate') }} as estate
inner join {{ ref('int_persons') }} as persons
    on persons.id_number = estate.owner_id_number
where
    estate.property_use = 'commercial'
    and estate.status = 'valid'
