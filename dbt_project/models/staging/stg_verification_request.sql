-- Generated from hedui/contracts/sources.yaml by hedui.warehouse.dbt_sources; do not edit.
-- 家庭经济状况核对申请 (verification_request): typed contract columns; the latest delivery of a key wins.

with source as (

    select * from {{ source('hedui', 'verification_request') }}

),

typed as (

    select
        cast(request_id as {{ dbt.type_string() }}) as request_id,
        cast(member_id_number as {{ dbt.type_string() }}) as member_id_number,
        cast(applicant as {{ dbt.type_string() }}) as applicant,
        cast(authorization_no as {{ dbt.type_string() }}) as authorization_no,
        cast(purpose as {{ dbt.type_string() }}) as purpose,
        cast(street_code as {{ dbt.type_string() }}) as street_code,
        cast(requested_at as date) as requested_at,
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
    request_id,
    member_id_number,
    applicant,
    authorization_no,
    purpose,
    street_code,
    requested_at,
    delivered_on,
    source_file,
    source_line
from typed
where delivered_on = (select delivered_on from newest)

union all

select
    older.request_id,
    older.member_id_number,
    older.applicant,
    older.authorization_no,
    older.purpose,
    older.street_code,
    older.requested_at,
    older.delivered_on,
    older.source_file,
    older.source_line
from typed as older
where older.delivered_on < (select delivered_on from newest)
    and not exists (
        select 1
        from typed as newer
        where newer.delivered_on > older.delivered_on
            and newer.request_id is not distinct from older.request_id
            and newer.member_id_number is not distinct from older.member_id_number
    )
