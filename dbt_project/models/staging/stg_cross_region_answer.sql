-- Generated from hedui/contracts/sources.yaml by hedui.warehouse.dbt_sources; do not edit.
-- 异地核查反馈 (cross_region_answer): typed contract columns; the latest delivery of a key wins.

with source as (

    select * from {{ source('hedui', 'cross_region_answer') }}

),

typed as (

    select
        cast(query_id as {{ dbt.type_string() }}) as query_id,
        cast(id_number as {{ dbt.type_string() }}) as id_number,
        cast(answering_region as {{ dbt.type_string() }}) as answering_region,
        cast(status as {{ dbt.type_string() }}) as status,
        cast(refusal_reason as {{ dbt.type_string() }}) as refusal_reason,
        cast(as_of as date) as as_of,
        cast(income_months as {{ dbt.type_string() }}) as income_months,
        cast(cash_assets as {{ hedui.type_amount() }}) as cash_assets,
        cast(residential_homes as {{ dbt.type_bigint() }}) as residential_homes,
        cast(residential_floor_area as {{ hedui.type_amount() }}) as residential_floor_area,
        cast(non_exempt_vehicles as {{ dbt.type_bigint() }}) as non_exempt_vehicles,
        cast(signature as {{ dbt.type_string() }}) as signature,
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
    query_id,
    id_number,
    answering_region,
    status,
    refusal_reason,
    as_of,
    income_months,
    cash_assets,
    residential_homes,
    residential_floor_area,
    non_exempt_vehicles,
    signature,
    delivered_on,
    source_file,
    source_line
from typed
where delivered_on = (select delivered_on from newest)

union all

select
    older.query_id,
    older.id_number,
    older.answering_region,
    older.status,
    older.refusal_reason,
    older.as_of,
    older.income_months,
    older.cash_assets,
    older.residential_homes,
    older.residential_floor_area,
    older.non_exempt_vehicles,
    older.signature,
    older.delivered_on,
    older.source_file,
    older.source_line
from typed as older
where older.delivered_on < (select delivered_on from newest)
    and not exists (
        select 1
        from typed as newer
        where newer.delivered_on > older.delivered_on
            and newer.query_id is not distinct from older.query_id
    )
