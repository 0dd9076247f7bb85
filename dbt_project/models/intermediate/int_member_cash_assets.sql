-- Each member's cash-type assets (policy.md §5 test 1): deposits (balance_cny), wealth
-- products, stocks, bonds and funds (market_value), cash value of life, annuity, universal and
-- investment-linked insurance, and investor capital in active market entities.

with persons as (

    select id_number from {{ ref('int_persons') }}

),

deposits as (

    select id_number, sum(balance_cny) as amount
    from {{ ref('stg_deposit') }} group by id_number

),

wealth_products as (

    select id_number, sum(market_value) as amount
    from {{ ref('stg_wealth_product') }} group by id_number

),

stocks as (

    select id_number, sum(market_value) as amount
    from {{ ref('stg_stock') }} group by id_number

),

bonds as (

    select id_number, sum(market_value) as amount
    from {{ ref('stg_bond') }} group by id_number

),

funds as (

    select id_number, sum(market_value) as amount
    from {{ ref('stg_fund') }} group by id_number

),

insurance as (

    select id_number, sum(cash_value) as amount
    from {{ ref('stg_commercial_insurance') }}
    where product_type in {{ hedui.sql_list(var('cash_insurance_types')) }}
    group by id_number

),

capital as (

    select id_number, investor_capital as amount
    from {{ ref('int_member_investor_capital') }}

),

components as (

    select
        persons.id_number,
        cast(coalesce(deposits.amount, 0) as {{ hedui.type_amount() }}) as deposits,
        cast(coalesce(wealth_products.amount, 0) as {{ hedui.type_amount() }}) as wealth_products,
        cast(coalesce(stocks.amount, 0) as {{ hedui.type_amount() }}) as stocks,
        cast(coalesce(bonds.amount, 0) as {{ hedui.type_amount() }}) as bonds,
        cast(coalesce(funds.amount, 0) as {{ hedui.type_amount() }}) as funds,
        cast(coalesce(insurance.amount, 0) as {{ hedui.type_amount() }}) as insurance_cash_value,
        cast(coalesce(capital.amount, 0) as {{ hedui.type_amount() }}) as investor_capital
    from persons
    left join deposits on deposits.id_number = persons.id_number
    left join wealth_products on wealth_products.id_number = persons.id_number
    left join stocks on stocks.id_number = persons.id_number
    left join bonds on bonds.id_number = persons.id_number
    left join funds on funds.id_number = persons.id_number
    left join insurance on insurance.id_number = persons.id_number
    left join capital on capital.id_number = persons.id_number

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
    cast(
        deposits + wealth_products + stocks + bonds + funds + insurance_cash_value
        + investor_capital as {{ hedui.type_amount() }}
    ) as cash_assets
from components
