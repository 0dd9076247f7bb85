-- Generated from hedui/contracts/sources.yaml by hedui.warehouse.dbt_sources; do not edit.
-- 学籍与教育费用信息 (education): typed contract columns; the latest delivery of a key wins.

with source as (

    select * from {{ source('hedui', 'education') }}

),

typed as (

    select
        cast(id_number as {{ dbt.type_string() }}) as id_number,
        cast(school_year as {{ dbt.type_bigint() }}) as school_year,
        cast(stage as {{ dbt.type_string() }}) as stage,
        cast(enrollment_status as {{ dbt.type_string() }}) as enrollment_status,
        cast(tuition_per_year as {{ hedui.type_amount() }}) as tuition_per_year,
        cast(boarding_per_year as {{ hedui.type_amount() }}) as boarding_per_year,
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
    school_year,
    stage,
    enrollment_status,
    tuition_per_year,
    boarding_per_year,
    delivered_on,
    source_file,
    source_line
from typed
where delivered_on = (select delivered_on from newest)

union all

select
    older.id_number,
    older.school_year,
    older.stage,
    older.enrollment_status,
    older.tuition_per_year,
    older.boarding_per_year,
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
            and newer.school_year is not distinct from older.school_year
    )
