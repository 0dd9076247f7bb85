-- Living members of active assistance cases: their hukou households are already assisted and
-- never outreach candidates.

select distinct
    members.id_number,
    members.household_id as case_no
from {{ ref('int_household_members') }} as members
inner join {{ ref('int_cases') }} as cases
    on cases.case_no = members.household_id
where
    members.household_kind = 'case'
    and cases.is_active
