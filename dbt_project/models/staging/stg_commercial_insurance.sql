-- Generated from hedui/contracts/sources.yaml by hedui.warehouse.dbt_sources; do not edit.
-- 商业保险信息 (commercial_insurance): typed contract columns; the latest delivery of a key wins.

with source as (

    select * from {{ source('hedui', 'commercial_insurance') }}

),

typed as (

    select
        cast(insurer_code as {{ dbt.type_string() }}) as insurer_code,
        cast(policy_no as {{ dbt.type_string() }}) as policy_no,
        cast(id_number as {{ dbt.type_string() }}) as id_number,
        cast(product_type as {{ dbt.type_string() }}) as product_type,
        cast(cash_value as {{ hedui.type_amount() }}) as cash_value,
        cast(annual_premium as {{ hedui.type_amount() }}) as annual_premium,
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
    insurer_code,
    policy_no,
    id_number,
    product_type,
    cash_value,
    annual_premium,
    as_of_date,
    delivered_on,
    source_file,
    source_line
from typed
where delivered_on = (select delivered_on from newest)

union all

select
    older.insurer_code,
    older.policy_no,
    older.id_number,
    older.product_type,
    older.cash_value,
    older.annual_premium,
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
            and newer.insurer_code is not distinct from older.insurer_code
            and newer.policy_no is not distinct from older.policy_no
    )
