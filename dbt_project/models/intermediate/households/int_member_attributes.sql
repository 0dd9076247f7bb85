-- Per member: age on D (from the hukou birth date, else the ID number), whether a disability
-- certificate counts (issued <= D, valid_until empty or >= D) with grade 1-2 or grade 3
-- intellectual/mental (single-person dibao), and whether the member lacks capacity to work
-- (docs/policy.md §6). Unknown (null) when the disability source is unusable and age does not
-- decide. disability_grade (the most severe counting certificate's grade) is for display only.

with params as (

    select * from {{ ref('int_policy_parameters') }}

),

capacity as (

    select is_known from {{ ref('int_figure_status') }}
    where figure = 'capacity'

),

persons as (

    select id_number from {{ ref('int_persons') }}

),

certificates as (

    select
        disability.id_number,
        max(
            case
                when
                    disability.disability_grade <= params.severe_disability_grade_max
                    or (
                        disability.disability_grade <= params.mental_disability_grade_max
                        and mental_category.member is not null
                    )
                    then 1
                else 0
            end
        ) as severe,
        min(disability.disability_grade) as disability_grade
    from {{ ref('stg_disability') }} as disability
    cross join params
    left join {{ ref('int_policy_categories') }} as mental_category
        on
            mental_category.category = 'mental_disability_categories'
            and mental_category.member = disability.disability_category
    where
        disability.cert_issue_date <= params.run_date
        and (disability.cert_valid_until is null or disability.cert_valid_until >= params.run_date)
    group by disability.id_number

),

born as (

    select
        persons.id_number,
        coalesce(hukou.birth_date, {{ hedui.birth_date_from_id('persons.id_number') }})
            as birth_date
    from persons
    left join {{ ref('stg_hukou') }} as hukou on hukou.id_number = persons.id_number

),

aged as (

    select
        born.id_number,
        born.birth_date,
        {{ hedui.age_on('born.birth_date', 'params.run_date') }} as age,
        case
            when not coalesce(capacity.is_known, false) then null
            else coalesce(certificates.severe, 0) = 1
        end as severe_disability,
        case
            when coalesce(capacity.is_known, false) then certificates.disability_grade
        end as disability_grade,
        params.elderly_age,
        params.working_age_min
    from born
    cross join params
    cross join capacity
    left join certificates on certificates.id_number = born.id_number

)

select
    id_number,
    birth_date,
    age,
    severe_disability,
    disability_grade,
    case
        when age >= elderly_age or age < working_age_min then true
        else severe_disability
    end as lacks_capacity
from aged
