-- Per verified request member and source: how many of the member's rows the rules read (the
-- evidence a verification report lists per member and per source, docs/policy.md §9). Sources with
-- no row for a member have no row here; members without authorization are never looked up.

with params as (

    select * from {{ ref('int_policy_parameters') }}

),

persons as (

    select distinct id_number
    from {{ ref('int_household_members') }}
    where household_kind = 'request'

),

records as (

    select id_number, 'hukou' as source from {{ ref('stg_hukou') }}
    union all
    select id_number, 'death' as source from {{ ref('int_deaths') }}
    union all
    select id_number, 'tax' as source from {{ ref('stg_tax') }} as tax
    cross join params
    where
        {{ hedui.period_month_index('tax.period') }}
        >= params.run_month_index - params.income_window_months
        and {{ hedui.period_month_index('tax.period') }} < params.run_month_index
    union all
    select id_number, 'social_insurance' as source from {{ ref('stg_social_insurance') }}
    union all
    select id_number, 'disability' as source from {{ ref('stg_disability') }}
    union all
    select id_number, 'medical_claims' as source from {{ ref('stg_medical_claims') }} as claims
    cross join params
    where claims.settle_date > params.last_year_start and claims.settle_date <= params.run_date
    union all
    select id_number, 'education' as source from {{ ref('stg_education') }} as school
    cross join params
    where school.school_year = params.school_year
    union all
    select id_number, 'deposit' as source from {{ ref('stg_deposit') }}
    union all
    select id_number, 'wealth_product' as source from {{ ref('stg_wealth_product') }}
    union all
    select id_number, 'stock' as source from {{ ref('stg_stock') }}
    union all
    select id_number, 'bond' as source from {{ ref('stg_bond') }}
    union all
    select id_number, 'fund' as source from {{ ref('stg_fund') }}
    union all
    select id_number, 'commercial_insurance' as source from {{ ref('stg_commercial_insurance') }}
    union all
    select person_id_number as id_number, 'market_entity' as source
    from {{ ref('stg_market_entity') }}
    union all
    select owner_id_number as id_number, 'vehicle' as source from {{ ref('stg_vehicle') }}
    union all
    select owner_id_number as id_number, 'real_estate' as source
    from {{ ref('stg_real_estate') }}
    union all
    select id_number, 'public_housing' as source from {{ ref('stg_public_housing') }}
    union all
    select id_number, 'assistance_roll' as source from {{ ref('stg_assistance_roll') }}

)

select
    records.id_number,
    records.source,
    cast(count(*) as {{ dbt.type_bigint() }}) as records
from records
inner join persons on persons.id_number = records.id_number
group by records.id_number, records.source
