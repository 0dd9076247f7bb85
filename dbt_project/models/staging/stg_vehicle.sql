-- Generated from hedui/contracts/sources.yaml by hedui.warehouse.dbt_sources; do not edit.
-- 机动车登记信息 (vehicle): typed contract columns; the latest delivery of a key wins.

with source as (

    select * from {{ source('hedui', 'vehicle') }}

),

typed as (

    select
        cast(plate_no as {{ dbt.type_string() }}) as plate_no,
        cast(owner_id_number as {{ dbt.type_string() }}) as owner_id_number,
        cast(vehicle_type as {{ dbt.type_string() }}) as vehicle_type,
        cast(purchase_price as {{ hedui.type_amount() }}) as purchase_price,
        cast(first_register_date as date) as first_register_date,
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
    plate_no,
    owner_id_number,
    vehicle_type,
    purchase_price,
    first_register_date,
    status,
    delivered_on,
    source_file,
    source_line
from typed
where delivered_on = (select delivered_on from newest)

union all

select
    older.plate_no,
    older.owner_id_number,
    older.vehicle_type,
    older.purchase_price,
    older.first_register_date,
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
            and newer.plate_no is not distinct from older.plate_no
    )
