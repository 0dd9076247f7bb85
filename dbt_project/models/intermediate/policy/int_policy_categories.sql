-- The policy category lists in force on the run date (docs/policy.md §3–§6): which benefit items
-- count as income, which insurance products are cash-type assets, which school stages are rigid
-- expenditure, which vehicles fail A2, which disability categories count at grade 3. Each member
-- of a list is a dated row of seeds/policy_categories.csv; per (category, member) the row with
-- the latest effective_from <= D decides whether it is included.
with run as (

    select run_date from {{ ref('int_policy_parameters') }}

),

in_force as (

    select
        categories.category,
        categories.member,
        categories.included,
        categories.version,
        row_number() over (
            partition by categories.category, categories.member
            order by categories.effective_from desc, categories.version desc
        ) as recency
    from {{ ref('policy_categories') }} as categories
    cross join run
    where categories.effective_from <= run.run_date

)

select
    category,
    member,
    version
from in_force
where recency = 1 and included
