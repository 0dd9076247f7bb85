-- Subscribed capital of active market entities in which the member is an investor (a cash-type
-- asset, docs/policy.md §5 test 1).

select
    entity.person_id_number as id_number,
    count(*) as active_investments,
    cast(sum(coalesce(entity.subscribed_capital, 0)) as {{ hedui.type_amount() }})
        as investor_capital
from {{ ref('stg_market_entity') }} as entity
inner join {{ ref('int_persons') }} as persons
    on persons.id_number = entity.person_id_number
where
    entity.role = 'investor'
    and entity.status = 'active'
group by entity.person_id_number
