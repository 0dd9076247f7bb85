-- Generated from hedui/contracts/sources.yaml by hedui.warehouse.dbt_sources; do not edit.
-- 股票持有信息 (stock): typed contract columns; the latest delivery of a key wins.

with source as (

    select * from {{ source('hedui', 'stock') }}

),

typed as (

    select
        cast(securities_account as {{ dbt.type_string() }}) as securities_account,
        cast(id_number as {{ dbt.type_string() }}) as id_number,
        cast(security_code as {{ dbt.type_string() }}) as security_code,
        cast(quantity as {{ dbt.type_bigint() }}) as quantity,
        cast(close_price as {{ hedui.type_amount() }}) as close_price,
        cast(market_value as {{ hedui.type_amount() }}) as market_value,
        cast(as_of_date as date) as as_of_date,
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
    securities_account,
    id_number,
    security_code,
    quantity,
    close_price,
    market_value,
    as_of_date,
    delivered_on,
    source_file,
    source_line
from typed
where delivered_on = (select delivered_on from newest)

union all

select
    older.securities_account,
    older.id_number,
    older.security_code,
    older.quantity,
    older.close_price,
    older.market_value,
    older.as_of_date,
    older.delivered_on,
    older.source_file,
    older.source_line
from typed as older
where older.delivered_on < (select delivered_on from newest)
    and not exists (
        select 1
        from typed as newer
        where newer.delivered_on > older.delivered_on
            and newer.securities_account is not distinct from older.securities_account
            and newer.security_code is not distinct from older.security_code
    )
