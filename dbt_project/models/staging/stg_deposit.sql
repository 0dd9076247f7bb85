-- Generated from hedui/contracts/sources.yaml by hedui.warehouse.dbt_sources; do not edit.
-- 银行存款信息 (deposit): typed contract columns; the latest delivery of a key wins.

with source as (

    select * from {{ source('hedui', 'deposit') }}

),

typed as (

    select
        cast(bank_code as {{ dbt.type_string() }}) as bank_code,
        cast(account_no as {{ dbt.type_string() }}) as account_no,
        cast(id_number as {{ dbt.type_string() }}) as id_number,
        cast(account_type as {{ dbt.type_string() }}) as account_type,
        cast(currency as {{ dbt.type_string() }}) as currency,
        cast(balance as {{ hedui.type_amount() }}) as balance,
        cast(balance_cny as {{ hedui.type_amount() }}) as balance_cny,
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
    bank_code,
    account_no,
    id_number,
    account_type,
    currency,
    balance,
    balance_cny,
    as_of_date,
    delivered_on,
    source_file,
    source_line
from typed
where delivered_on = (select delivered_on from newest)

union all

select
    older.bank_code,
    older.account_no,
    older.id_number,
    older.account_type,
    older.currency,
    older.balance,
    older.balance_cny,
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
            and newer.bank_code is not distinct from older.bank_code
            and newer.account_no is not distinct from older.account_no
    )
