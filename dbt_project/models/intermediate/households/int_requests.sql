-- One row per verification request: declared members, members verified (with an
-- authorization_no) and refused (without one, never looked up). A declared member who is dead
-- (int_deaths) is not a member (docs/policy.md §2): without an authorization, they are not a
-- refusal of the household.

with deaths as (

    select distinct id_number from {{ ref('int_deaths') }}

)

select
    request.request_id,
    min(request.purpose) as purpose,
    min(request.street_code) as street_code,
    min(request.requested_at) as requested_at,
    count(*) as members_declared,
    count(request.authorization_no) as members_verified,
    count(
        case
            when request.authorization_no is null and deaths.id_number is null then 1
        end
    ) as members_refused
from {{ ref('stg_verification_request') }} as request
left join deaths on deaths.id_number = request.member_id_number
group by request.request_id
