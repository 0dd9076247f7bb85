-- 数据截止日期: per source, the run's status, whether its data may be used, the date of the
-- delivery loaded and the date the data is as of (the latest as_of_date of the holdings for the
-- financial sources that carry one, else the delivery date). docs/policy.md §7, §9.

with status as (

    select source, run_date, status, usable, data_as_of from {{ ref('int_source_status') }}

),

dated as (

    select 'deposit' as source, max(as_of_date) as as_of_date from {{ ref('stg_deposit') }}
    union all
    select 'wealth_product' as source, max(as_of_date) as as_of_date
    from {{ ref('stg_wealth_product') }}
    union all
    select 'stock' as source, max(as_of_date) as as_of_date from {{ ref('stg_stock') }}
    union all
    select 'bond' as source, max(as_of_date) as as_of_date from {{ ref('stg_bond') }}
    union all
    select 'fund' as source, max(as_of_date) as as_of_date from {{ ref('stg_fund') }}
    union all
    select 'commercial_insurance' as source, max(as_of_date) as as_of_date
    from {{ ref('stg_commercial_insurance') }}

)

select
    cast(status.source as {{ dbt.type_string() }}) as source,
    status.run_date,
    cast(status.status as {{ dbt.type_string() }}) as status,
    status.usable,
    status.data_as_of as delivered_on,
    coalesce(dated.as_of_date, status.data_as_of) as as_of_date
from status
left join dated on dated.source = status.source
