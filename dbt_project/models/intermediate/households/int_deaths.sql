-- People reported dead on or before the run date (docs/policy.md §2): a death record with
-- death_date <= D, or hukou status deceased. They are not household members.

with params as (

    select run_date from {{ ref('int_policy_parameters') }}

),

certified as (

    select
        death.id_number,
        death.death_date
    from {{ ref('stg_death') }} as death
    cross join params
    where death.death_date <= params.run_date

),

registered as (

    select
        hukou.id_number,
        hukou.status_date as death_date
    from {{ ref('stg_hukou') }} as hukou
    where hukou.status = 'deceased'

),

reported as (

    select id_number, death_date from certified
    union all
    select id_number, death_date from registered

)

select
    id_number,
    min(death_date) as death_date
from reported
group by id_number
