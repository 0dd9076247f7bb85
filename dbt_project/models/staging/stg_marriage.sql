-- Generated from hedui/contracts/sources.yaml by hedui.warehouse.dbt_sources; do not edit.
-- 婚姻登记信息 (marriage): typed contract columns; the latest delivery of a key wins.

with source as (

    select * from {{ source('hedui', 'marriage') }}

),

typed as (

    select
        cast(record_id as {{ dbt.type_string() }}) as record_id,
        cast(event as {{ dbt.type_string() }}) as event,
        cast(party1_id_number as {{ dbt.type_string() }}) as party1_id_number,
        cast(party2_id_number as {{ dbt.type_string() }}) as party2_id_number,
        cast(event_date as date) as event_date,
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
    record_id,
    event,
    party1_id_number,
    party2_id_number,
    event_date,
    delivered_on,
    source_file,
    source_line
from typed
where delivered_on = (select delivered_on from newest)

union all

select
    older.record_id,
    older.event,
    older.party1_id_number,
    older.party2_id_number,
    older.event_date,
    older.delivered_on,
    older.source_file,
    older.source_line
from typed as older
where older.delivered_on < (select delivered_on from newest)
    and not exists (
        select 1
        from typed as newer
        where newer.delivered_on > older.delivered_on
            and newer.record_id is not distinct from older.record_id
    )
