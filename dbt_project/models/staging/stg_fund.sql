-- Generated from hedui/contracts/sources.yaml by hedui.warehouse.dbt_sources; do not edit.
-- 基金持有信息 (fund): typed contract columns; the latest delivery of a key wins.

with source as (

    select * from {{ source('hedui', 'fund') }}

),

typed as (

    select
        cast(id_number as {{ dbt.type_string() }}) as id_number,
        cast(fund_code as {{ dbt.type_string() }}) as fund_code,
        cast(shares as {{ hedui.type_amount() }}) as shares,
        cast(nav as {{ hedui.type_amount() }}) as nav,
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
    id_number,
    fund_code,
    shares,
    nav,
    market_value,
    as_of_date,
    delivered_on,
    source_file,
    source_line
from typed
where delivered_on = (select delivered_on from newest)

union all

select
    older.id_number,
    older.fund_code,
    older.shares,
    older.nav,
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
            and newer.id_number is not distinct from older.id_number
            and newer.fund_code is not distinct from older.fund_code
    )
