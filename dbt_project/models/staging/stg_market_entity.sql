-- Generated from hedui/contracts/sources.yaml by hedui.warehouse.dbt_sources; do not edit.
-- 市场主体登记信息 (market_entity): typed contract columns; the latest delivery of a key wins.

with source as (

    select * from {{ source('hedui', 'market_entity') }}

),

typed as (

    select
        cast(uscc as {{ dbt.type_string() }}) as uscc,
        cast(entity_name as {{ dbt.type_string() }}) as entity_name,
        cast(entity_type as {{ dbt.type_string() }}) as entity_type,
        cast(person_id_number as {{ dbt.type_string() }}) as person_id_number,
        cast(role as {{ dbt.type_string() }}) as role,
        cast(subscribed_capital as {{ hedui.type_amount() }}) as subscribed_capital,
        cast(status as {{ dbt.type_string() }}) as status,
        cast(established_date as date) as established_date,
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
    uscc,
    entity_name,
    entity_type,
    person_id_number,
    role,
    subscribed_capital,
    status,
    established_date,
    delivered_on,
    source_file,
    source_line
from typed
where delivered_on = (select delivered_on from newest)

union all

select
    older.uscc,
    older.entity_name,
    older.entity_type,
    older.person_id_number,
    older.role,
    older.subscribed_capital,
    older.status,
    older.established_date,
    older.delivered_on,
    older.source_file,
    older.source_line
from typed as older
where older.delivered_on < (select delivered_on from newest)
    and not exists (
        select 1
        from typed as newer
        where newer.delivered_on > older.delivered_on
            and newer.uscc is not distinct from older.uscc
            and newer.person_id_number is not distinct from older.person_id_number
            and newer.role is not distinct from older.role
    )
