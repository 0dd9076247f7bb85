-- The answer that counts for each member out of local coverage (docs/policy.md §11,
-- exchange.md "How answers count"): the latest answered or not_found record of the member's
-- own region among the answer deliveries of the window (stg_cross_region_answer; a later
-- delivery wins). answered: the partner's figures; not_found: the partner holds nothing, so
-- every figure there is zero. A refused query gives no answer here: the member stays missing.

with members as (

    select distinct id_number, region_code
    from {{ ref('int_out_of_coverage_members') }}
    where has_partner

),

answers as (

    select
        answer.query_id,
        answer.id_number,
        answer.answering_region,
        answer.status,
        answer.as_of,
        answer.delivered_on,
        answer.income_months,
        answer.cash_assets,
        answer.residential_homes,
        answer.residential_floor_area,
        answer.non_exempt_vehicles,
        row_number() over (
            partition by answer.id_number
            order by answer.delivered_on desc, answer.as_of desc, answer.query_id desc
        ) as recency
    from {{ ref('stg_cross_region_answer') }} as answer
    inner join members
        on
            members.id_number = answer.id_number
            and members.region_code = answer.answering_region
    where answer.status in ('answered', 'not_found')

)

select
    query_id,
    id_number,
    answering_region as region_code,
    status,
    as_of,
    delivered_on,
    case when status = 'answered' then income_months end as income_months,
    cast(
        case when status = 'answered' then coalesce(cash_assets, 0) else 0 end
        as {{ hedui.type_amount() }}
    ) as cash_assets,
    cast(
        case when status = 'answered' then coalesce(residential_homes, 0) else 0 end
        as {{ dbt.type_bigint() }}
    ) as residential_homes,
    cast(
        case when status = 'answered' then coalesce(residential_floor_area, 0) else 0 end
        as {{ hedui.type_amount() }}
    ) as residential_floor_area,
    cast(
        case when status = 'answered' then coalesce(non_exempt_vehicles, 0) else 0 end
        as {{ dbt.type_bigint() }}
    ) as non_exempt_vehicles
from answers
where recency = 1
