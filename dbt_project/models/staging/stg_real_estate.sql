-- Generated from hedui/contracts/sources.yaml by hedui.warehouse.dbt_sources; do not edit.
-- 不动产登记信息 (real_estate): typed contract columns; the latest delivery of a key wins.

with source as (

    select * from {{ source('hedui', 'real_estate') }}

),

typed as (

    select
        cast(cert_no as {{ dbt.type_string() }}) as cert_no,
        cast(owner_id_number as {{ dbt.type_string() }}) as owner_id_number,
        cast(share_ratio as {{ hedui.type_amount() }}) as share_ratio,
        cast(property_use as {{ dbt.type_string() }}) as property_use,
        cast(floor_area_m2 as {{ hedui.type_amount() }}) as floor_area_m2,
        cast(district_code as {{ dbt.type_string() }}) as district_code,
        cast(register_date as date) as register_date,
        cast(status as {{ dbt.type_string() }}) as status,
        cast(_delivery_date as date) as delivered_on,
        cast(_file as {{ dbt.type_string() }}) as source_file,
        cast(_line as {{ dbt.type_bigint() }}) as source_line
    from source

),

newest as (

    select max(delivered_on) as delivered_on from typed

)

-- the latest delivery, then the rows of older deliveries whose key it does not repeat
select
    cert_no,
    owner_id_number,
    share_ratio,
    property_use,
    floor_area_m2,
    district_code,
    register_date,
    status,
    delivered_on,
    source_file,
    source_line
from typed
where delivered_on = (select delivered_on from newest)

union all

select
    older.cert_no,
    older.owner_id_number,
    older.share_ratio,
    older.property_use,
    older.floor_area_m2,
    older.district_code,
    older.register_date,
    older.status,
    older.delivered_on,
    older.source_file,
    older.source_line
from typed as older
where older.delivered_on < (select delivered_on from newest)
    and not exists (
        select 1
        from typed as newer
        where newer.delivered_on > older.delivered_on
            and newer.cert_no is not distinct from older.cert_no
            and newer.owner_id_number is not distinct from older.owner_id_number
    )
