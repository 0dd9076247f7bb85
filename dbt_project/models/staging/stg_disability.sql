-- Generated from hedui/contracts/sources.yaml by hedui.warehouse.dbt_sources; do not edit.
-- 残疾人证信息 (disability): typed contract columns; the latest delivery of a key wins.

with source as (

    select * from {{ source('hedui', 'disability') }}

),

typed as (

    select
        cast(id_number as {{ dbt.type_string() }}) as id_number,
        cast(disability_category as {{ dbt.type_string() }}) as disability_category,
        cast(disability_grade as {{ dbt.type_bigint() }}) as disability_grade,
        cast(cert_issue_date as date) as cert_issue_date,
        cast(cert_valid_until as date) as cert_valid_until,
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
    disability_category,
    disability_grade,
    cert_issue_date,
    cert_valid_until,
    delivered_on,
    source_file,
    source_line
from typed
where delivered_on = (select delivered_on from newest)

union all

select
    older.id_number,
    older.disability_category,
    older.disability_grade,
    older.cert_issue_date,
    older.cert_valid_until,
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
