-- Each member's cash-type assets (docs/policy.md §5 test 1) by kind and in total: the member's
-- holdings (int_member_asset_holdings) added up per source. A member without holdings has 0.

with totals as (

    select
        id_number,
        sum(case when source = 'deposit' then amount end) as deposits,
        sum(case when source = 'wealth_product' then amount end) as wealth_products,
        sum(case when source = 'stock' then amount end) as stocks,
        sum(case when source = 'bond' then amount end) as bonds,
        sum(case when source = 'fund' then amount end) as funds,
        sum(case when source = 'commercial_insurance' then amount end) as insurance_cash_value,
        sum(case when source = 'market_entity' then amount end) as investor_capital,
        sum(case when asset_type = 'cross_region' then amount end) as cross_region
    from {{ ref('int_member_asset_holdings') }}
    group by id_number

),

components as (

    select
        persons.id_number,
        cast(coalesce(totals.deposits, 0) as {{ hedui.type_amount() }}) as deposits,
        cast(coalesce(totals.wealth_products, 0) as {{ hedui.type_amount() }}) as wealth_products,
        cast(coalesce(totals.stocks, 0) as {{ hedui.type_amount() }}) as stocks,
        cast(coalesce(totals.bonds, 0) as {{ hedui.type_amount() }}) as bonds,
        cast(coalesce(totals.funds, 0) as {{ hedui.type_amount() }}) as funds,
        cast(coalesce(totals.insurance_cash_value, 0) as {{ hedui.type_amount() }})
            as insurance_cash_value,
        cast(coalesce(totals.investor_capital, 0) as {{ hedui.type_amount() }})
            as investor_capital,
        cast(coalesce(totals.cross_region, 0) as {{ hedui.type_amount() }}) as cross_region
    from {{ ref('int_persons') }} as persons
    left join totals on totals.id_number = persons.id_number

)

select
    id_number,
    deposits,
    wealth_products,
    stocks,
    bonds,
    funds,
    insurance_cash_value,
    investor_capital,
    cross_region,
    cast(
        deposits + wealth_products + stocks + bonds + funds + insurance_cash_value
        + investor_capital + cross_region as {{ hedui.type_amount() }}
    ) as cash_assets
from components
