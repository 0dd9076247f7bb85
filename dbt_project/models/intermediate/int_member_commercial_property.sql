-- Valid commercial property certificates of each member (policy.md §5 test 4 fails on any).

select
    estate.owner_id_number as id_number,
    cast(count(distinct estate.cert_no) as {{ dbt.type_bigint() }}) as commercial_properties
from {{ ref('stg_real_estate') }} as estate
inner join {{ ref('int_persons') }} as persons
    on persons.id_number = estate.owner_id_number
where estate.property_use = 'commercial'
    and estate.status = 'valid'
group by estate.owner_id_number
