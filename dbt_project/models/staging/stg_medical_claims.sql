-- Generated from hedui/contracts/sources.yaml by hedui.warehouse.dbt_sources; do not edit.
-- 医疗保障结算信息 (medical_claims): typed contract columns; the latest delivery of a key wins.

with source as (

    select * from {{ source('hedui', 'medical_claims') }}

),

typed as (

    select
        cast(claim_id as {{ dbt.type_string() }}) as claim_id,
        cast(id_number as {{ dbt.type_string() }}) as id_number,
        cast(settle_date as date) as settle_date,
        cast(visit_type as {{ dbt.type_string() }}) as visit_type,
        cast(total_cost as {{ hedui.type_amount() }}) as total_cost,
        cast(fund_paid as {{ hedui.type_amount() }}) as fund_paid,
        cast(out_of_pocket as {{ hedui.type_amount() }}) as out_of_pocket,
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
    claim_id,
    id_number,
    settle_date,
    visit_type,
    total_cost,
    fund_paid,
    out_of_pocket,
    delivered_on,
    source_file,
    source_line
from typed
where delivered_on = (select delivered_on from newest)

union all

select
    older.claim_id,
    older.id_number,
    older.settle_date,
    older.visit_type,
    older.total_cost,
    older.fund_paid,
    older.out_of_pocket,
    older.delivered_on,
    older.source_file,
    older.source_line
from typed as older
where older.delivered_on < (select delivered_on from newest)
    and not exists (
        select 1
        from typed as newer
        where newer.delivered_on > older.delivered_on
            and newer.claim_id is not distinct from older.claim_id
    )
