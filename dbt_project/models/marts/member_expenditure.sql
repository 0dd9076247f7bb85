-- 支出明细: each member's rigid expenditure (docs/policy.md §4) by kind, as
-- int_member_rigid_expenditure computes it: medical out-of-pocket costs settled in the last 12
-- months, and tuition plus boarding of an enrolment in a non-compulsory stage in the current school
-- year. A yearly amount and its monthly share; kinds without cost have no row. Pseudonymised:
-- person_key only.

with params as (

    select run_date from {{ ref('int_policy_parameters') }}

),

expenditure as (

    select
        id_number, 'medical_out_of_pocket' as kind, 'medical_claims' as source,
        medical_out_of_pocket as amount
    from {{ ref('int_member_rigid_expenditure') }}
    union all
    select id_number, 'education' as kind, 'education' as source, education_cost as amount
    from {{ ref('int_member_rigid_expenditure') }}

),

status as (

    select source, data_as_of from {{ ref('int_source_status') }}

),

identity as (

    select id_number, person_key from {{ source('hedui', 'identity') }}

)

select
    cast(identity.person_key as {{ dbt.type_string() }}) as person_key,
    params.run_date,
    cast(expenditure.kind as {{ dbt.type_string() }}) as kind,
    cast(expenditure.amount as {{ hedui.type_amount() }}) as amount,
    {{ hedui.div_half_up('expenditure.amount', hedui.months_per_year()) }} as amount_per_month,
    cast(expenditure.source as {{ dbt.type_string() }}) as source,
    status.data_as_of as as_of_date
from expenditure
cross join params
left join status on status.source = expenditure.source
left join identity on identity.id_number = expenditure.id_number
where expenditure.amount <> 0
