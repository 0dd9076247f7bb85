-- Generated from hedui/contracts/sources.yaml by hedui.warehouse.dbt_sources; do not edit.
-- 个人所得税收入信息 (tax): typed contract columns; the latest delivery of a key wins.

with source as (

    select * from {{ source('hedui', 'tax') }}

),

typed as (

    select
        cast(id_number as {{ dbt.type_string() }}) as id_number,
        cast(period as {{ dbt.type_string() }}) as period,
        cast(income_item as {{ dbt.type_string() }}) as income_item,
        cast(income as {{ hedui.type_amount() }}) as income,
        cast(tax_paid as {{ hedui.type_amount() }}) as tax_paid,
        cast(withholder_uscc as {{ dbt.type_string() }}) as withholder_uscc,
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
    income_item,
    income,
    tax_paid,
    withholder_uscc,
    delivered_on,
    source_file,
    source_line
from typed
where delivered_on = (select delivered_on from newest)

union all

select
    older.id_number,
    older.period,
    older.income_item,
    older.income,
    older.tax_paid,
    older.withholder_uscc,
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
            and newer.income_item is not distinct from older.income_item
            and newer.withholder_uscc is not distinct from older.withholder_uscc
    )
