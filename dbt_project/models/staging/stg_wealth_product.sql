-- Generated from hedui/contracts/sources.yaml by hedui.warehouse.dbt_sources; do not edit.
-- 银行理财产品信息 (wealth_product): typed contract columns; the latest delivery of a key wins.

with source as (

    select * from {{ source('hedui', 'wealth_product') }}

),

typed as (

    select
        cast(institution_code as {{ dbt.type_string() }}) as institution_code,
        cast(product_code as {{ dbt.type_string() }}) as product_code,
        cast(id_number as {{ dbt.type_string() }}) as id_number,
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
    institution_code,
    product_code,
    id_number,
    market_value,
    as_of_date,
    delivered_on,
    source_file,
    source_line
from typed
where delivered_on = (select delivered_on from newest)

union all

select
    older.institution_code,
    older.product_code,
    older.id_number,
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
            and newer.institution_code is not distinct from older.institution_code
            and newer.product_code is not distinct from older.product_code
            and newer.id_number is not distinct from older.id_number
    )
