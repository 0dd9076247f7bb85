-- Generated from hedui/contracts/sources.yaml by hedui.warehouse.dbt_sources; do not edit.
-- 住房公积金缴存信息 (housing_fund): typed contract columns; the latest delivery of a key wins.

with source as (

    select * from {{ source('hedui', 'housing_fund') }}

),

typed as (

    select
        cast(id_number as {{ dbt.type_string() }}) as id_number,
        cast(period as {{ dbt.type_string() }}) as period,
        cast(deposit_base as {{ hedui.type_amount() }}) as deposit_base,
        cast(monthly_deposit as {{ hedui.type_amount() }}) as monthly_deposit,
        cast(balance as {{ hedui.type_amount() }}) as balance,
        cast(account_status as {{ dbt.type_string() }}) as account_status,
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
    deposit_base,
    monthly_deposit,
    balance,
    account_status,
    delivered_on,
    source_file,
    source_line
from typed
where delivered_on = (select delivered_on from newest)

union all

select
    older.id_number,
    older.period,
    older.deposit_base,
    older.monthly_deposit,
    older.balance,
    older.account_status,
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
    )
