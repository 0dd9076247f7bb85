-- Each member's cash-type assets (docs/policy.md §5 test 1) by source and type, with the date
-- the values are as of: deposits by account type (balance_cny), wealth products, stocks, bonds
-- and funds (market_value), cash value of the savings-type insurance products, and subscribed
-- capital in active market entities in which the member is an investor. The finest grain the
-- rules read: int_member_cash_assets adds it up per member, the mart member_assets publishes it.

with persons as (

    select id_number from {{ ref('int_persons') }}

),

holdings as (

    select
        id_number, 'deposit' as source, account_type as asset_type, balance_cny as amount,
        as_of_date
    from {{ ref('stg_deposit') }}

    union all

    select
        id_number, 'wealth_product' as source, 'wealth_product' as asset_type,
        market_value as amount, as_of_date
    from {{ ref('stg_wealth_product') }}

    union all

    select id_number, 'stock' as source, 'stock' as asset_type, market_value as amount, as_of_date
    from {{ ref('stg_stock') }}

    union all

    select id_number, 'bond' as source, 'bond' as asset_type, market_value as amount, as_of_date
    from {{ ref('stg_bond') }}

    union all

    select id_number, 'fund' as source, 'fund' as asset_type, market_value as amount, as_of_date
    from {{ ref('stg_fund') }}

    union all

    select
        id_number, 'commercial_insurance' as source, product_type as asset_type,
        cash_value as amount, as_of_date
    from {{ ref('stg_commercial_insurance') }}
    where product_type in {{ hedui.policy_category('cash_insurance_types') }}

),

capital as (

    select
        capital.id_number,
        'market_entity' as source,
        'investor_capital' as asset_type,
        capital.investor_capital as amount,
        capital.active_investments as holdings,
        status.data_as_of as as_of_date
    from {{ ref('int_member_investor_capital') }} as capital
    left join {{ ref('int_source_status') }} as status on status.source = 'market_entity'

),

remote as (

    -- a member out of local coverage: the cash assets their partner region's answer reports
    -- (docs/policy.md §11)
    select
        id_number,
        'cross_region:' || region_code as source,
        'cross_region' as asset_type,
        cash_assets as amount,
        1 as holdings,
        as_of as as_of_date
    from {{ ref('int_cross_region_answers') }}

),

assets as (

    select
        holdings.id_number,
        holdings.source,
        holdings.asset_type,
        sum(coalesce(holdings.amount, 0)) as amount,
        count(*) as holdings,
        max(holdings.as_of_date) as as_of_date
    from holdings
    inner join persons on persons.id_number = holdings.id_number
    group by holdings.id_number, holdings.source, holdings.asset_type

    union all

    select id_number, source, asset_type, amount, holdings, as_of_date from capital

    union all

    select id_number, source, asset_type, amount, holdings, as_of_date from remote

)

select
    id_number,
    cast(source as {{ dbt.type_string() }}) as source,
    cast(asset_type as {{ dbt.type_string() }}) as asset_type,
    cast(amount as {{ hedui.type_amount() }}) as amount,
    cast(holdings as {{ dbt.type_bigint() }}) as holdings,
    cast(as_of_date as date) as as_of_date
from assets
