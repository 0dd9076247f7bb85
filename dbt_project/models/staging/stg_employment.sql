-- Generated from hedui/contracts/sources.yaml by hedui.warehouse.dbt_sources; do not edit.
-- 就业失业登记与财政供养信息 (employment): typed contract columns; the latest delivery of a key wins.

with source as (

    select * from {{ source('hedui', 'employment') }}

),

typed as (

    select
        cast(id_number as {{ dbt.type_string() }}) as id_number,
        cast(status as {{ dbt.type_string() }}) as status,
        cast(employer_uscc as {{ dbt.type_string() }}) as employer_uscc,
        cast(registered_date as date) as registered_date,
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
    id_number,
    status,
    employer_uscc,
    registered_date,
    end_date,
    delivered_on,
    source_file,
    source_line
from typed
where delivered_on = (select delivered_on from newest)

union all

select
    older.id_number,
    older.status,
    older.employer_uscc,
    older.registered_date,
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
            and newer.id_number is not distinct from older.id_number
            and newer.registered_date is not distinct from older.registered_date
    )
