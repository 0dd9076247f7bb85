-- Generated from hedui/contracts/sources.yaml by hedui.warehouse.dbt_sources; do not edit.
-- 社会保险参保缴费与待遇领取信息 (social_insurance): typed contract columns; the latest delivery of a key wins.

with source as (

    select * from {{ source('hedui', 'social_insurance') }}

),

typed as (

    select
        cast(id_number as {{ dbt.type_string() }}) as id_number,
        cast(period as {{ dbt.type_string() }}) as period,
        cast(record_type as {{ dbt.type_string() }}) as record_type,
        cast(item as {{ dbt.type_string() }}) as item,
        cast(amount as {{ hedui.type_amount() }}) as amount,
        cast(employer_uscc as {{ dbt.type_string() }}) as employer_uscc,
        cast(payment_status as {{ dbt.type_string() }}) as payment_status,
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
    id_number,
    period,
    record_type,
    item,
    amount,
    employer_uscc,
    payment_status,
    delivered_on,
    source_file,
    source_line
from typed
where delivered_on = (select delivered_on from newest)

union all

select
    older.id_number,
    older.period,
    older.record_type,
    older.item,
    older.amount,
    older.employer_uscc,
    older.payment_status,
    older.delivered_on,
    older.source_file,
    older.source_line
from typed as older
where older.delivered_on < (select delivered_on from newest)
    and not exists (
        select 1
        from typed as newer
        where newer.delivered_on > older.delivered_on
            and newer.id_number is not distinct from older.id_number
            and newer.period is not distinct from older.period
            and newer.record_type is not distinct from older.record_type
            and newer.item is not distinct from older.item
    )
