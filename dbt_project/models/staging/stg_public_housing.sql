-- Generated from hedui/contracts/sources.yaml by hedui.warehouse.dbt_sources; do not edit.
-- 住房保障信息 (public_housing): typed contract columns; the latest delivery of a key wins.

with source as (

    select * from {{ source('hedui', 'public_housing') }}

),

typed as (

    select
        cast(contract_no as {{ dbt.type_string() }}) as contract_no,
        cast(id_number as {{ dbt.type_string() }}) as id_number,
        cast(housing_type as {{ dbt.type_string() }}) as housing_type,
        cast(floor_area_m2 as {{ hedui.type_amount() }}) as floor_area_m2,
        cast(monthly_subsidy as {{ hedui.type_amount() }}) as monthly_subsidy,
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date,
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
    contract_no,
    id_number,
    housing_type,
    floor_area_m2,
    monthly_subsidy,
    start_date,
    end_date,
    delivered_on,
    source_file,
    source_line
from typed
where delivered_on = (select delivered_on from newest)

union all

select
    older.contract_no,
    older.id_number,
    older.housing_type,
    older.floor_area_m2,
    older.monthly_subsidy,
    older.start_date,
    older.end_date,
    older.delivered_on,
    older.source_file,
    older.source_line
from typed as older
where older.delivered_on < (select delivered_on from newest)
    and not exists (
        select 1
        from typed as newer
        where newer.delivered_on > older.delivered_on
            and newer.contract_no is not distinct from older.contract_no
    )
