-- Every person who is a member of a household a result is computed for: the only people whose
-- source rows the member models read (a refused request member is never looked up).

select distinct id_number
from {{ ref('int_household_members') }}
