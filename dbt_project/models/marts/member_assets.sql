-- 资产明细: each member's cash-type assets (docs/policy.md §5 test 1) by source and type, with the
-- date the values are as of: deposits by account type (balance_cny), wealth products, stocks,
-- bonds and funds (market_value), cash value of the savings-type insurance products, and
-- subscribed capital in active market entities in which the member is an investor, as the rules
-- read them (int_member_asset_holdings). Per member the rows add up to int_member_cash_assets (a
-- data test checks it). No account, policy or security numbers. Pseudonymised: person_key only.

with params as (

    select run_date from {{ ref('int_policy_parameters') }}

),

identity as (

    select id_number, person_key from {{ source('hedui', 'identity') }}

)

select
    cast(identity.person_key as {{ dbt.type_string() }}) as person_key,
    params.run_date,
    holdings.source,
    holdings.asset_type,
    holdings.amount,
    holdings.holdings,
    holdings.as_of_date
from {{ ref('int_member_asset_holdings') }} as holdings
cross join params
left join identity on identity.id_number = holdings.id_number
