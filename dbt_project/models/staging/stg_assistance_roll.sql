-- Generated from hedui/contracts/sources.yaml by hedui.warehouse.dbt_sources; do not edit.
-- 社会救助对象名册 (assistance_roll): typed contract columns; the latest delivery of a key wins.

with source as (

    select * from {{ source('hedui', 'assistance_roll') }}

),

typed as (

    select
        cast(case_no as {{ dbt.type_string() }}) as case_no,
        cast(id_number as {{ dbt.type_string() }}) as id_number,
        cast(member_role as {{ dbt.type_string() }}) as member_role,
        cast(assistance_type as {{ dbt.type_string() }}) as assistance_type,
        cast(single_person_dibao as {{ dbt.type_string() }}) as single_person_dibao,
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date,
        cast(monthly_amount as {{ hedui.type_amount() }}) as monthly_amount,
        cast(street_code as {{ dbt.type_string() }}) as street_code,
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
    case_no,
    id_number,
    member_role,
    assistance_type,
    single_person_dibao,
    start_date,
    end_date,
    monthly_amount,
    street_code,
    delivered_on,
    source_file,
    source_line
from typed
where delivered_on = (select delivered_on from newest)

union all

select
    older.case_no,
    older.id_number,
    older.member_role,
    older.assistance_type,
    older.single_person_dibao,
    older.start_date,
    older.end_date,
    older.monthly_amount,
    older.street_code,
    older.delivered_on,
    older.source_file,
    older.source_line
from typed as older
where older.delivered_on < (select delivered_on from newest)
    and not exists (
        select 1
        from typed as newer
        where newer.delivered_on > older.delivered_on
            and newer.case_no is not distinct from older.case_no
            and newer.id_number is not distinct from older.id_number
    )
