-- Each member's rigid expenditure per year (docs/policy.md §4): medical out-of-pocket settled in
-- the last 12 months, (D - 1 year, D], plus tuition and boarding of an enrolment in a
-- non-compulsory stage in the current school year.

with params as (

    select run_date, last_year_start, school_year from {{ ref('int_policy_parameters') }}

),

persons as (

    select id_number from {{ ref('int_persons') }}

),

medical as (

    select
        claims.id_number,
        sum(claims.out_of_pocket) as medical_out_of_pocket
    from {{ ref('stg_medical_claims') }} as claims
    cross join params
    where
        claims.settle_date > params.last_year_start
        and claims.settle_date <= params.run_date
    group by claims.id_number

),

education as (

    select
        school.id_number,
        sum(school.tuition_per_year + coalesce(school.boarding_per_year, 0)) as education_cost
    from {{ ref('stg_education') }} as school
    cross join params
    where
        school.school_year = params.school_year
        and school.enrollment_status = 'enrolled'
        and school.stage in {{ hedui.policy_category('non_compulsory_stages') }}
    group by school.id_number

)

select
    persons.id_number,
    cast(coalesce(medical.medical_out_of_pocket, 0) as {{ hedui.type_amount() }})
        as medical_out_of_pocket,
    cast(coalesce(education.education_cost, 0) as {{ hedui.type_amount() }}) as education_cost,
    cast(
        coalesce(medical.medical_out_of_pocket, 0) + coalesce(education.education_cost, 0)
        as {{ hedui.type_amount() }}
    ) as rigid_expenditure_per_year
from persons
left join medical on medical.id_number = persons.id_number
left join education on education.id_number = persons.id_number
