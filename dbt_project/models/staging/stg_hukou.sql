-- Generated from hedui/contracts/sources.yaml by hedui.warehouse.dbt_sources; do not edit.
-- 户籍人口信息 (hukou): typed contract columns; the latest delivery of a key wins.

with source as (

    select * from {{ source('hedui', 'hukou') }}

),

typed as (

    select
        cast(id_number as {{ dbt.type_string() }}) as id_number,
        cast(name as {{ dbt.type_string() }}) as name,
        cast(gender as {{ dbt.type_string() }}) as gender,
        cast(birth_date as date) as birth_date,
        cast(household_no as {{ dbt.type_string() }}) as household_no,
        cast(relation_to_head as {{ dbt.type_string() }}) as relation_to_head,
        cast(district_code as {{ dbt.type_string() }}) as district_code,
        cast(hukou_nature as {{ dbt.type_string() }}) as hukou_nature,
        cast(status as {{ dbt.type_string() }}) as status,
        cast(status_date as date) as status_date,
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
    name,
    gender,
    birth_date,
    household_no,
    relation_to_head,
    district_code,
    hukou_nature,
    status,
    status_date,
    delivered_on,
    source_file,
    source_line
from typed
where delivered_on = (select delivered_on from newest)

union all

select
    older.id_number,
    older.name,
    older.gender,
    older.birth_date,
    older.household_no,
    older.relation_to_head,
    older.district_code,
    older.hukou_nature,
    older.status,
    older.status_date,
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
    )
