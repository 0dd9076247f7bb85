-- One row per verification request: declared members, members verified (with an
-- authorization_no) and refused (without one, never looked up).

select
    request_id,
    min(purpose) as purpose,
    min(street_code) as street_code,
    min(requested_at) as requested_at,
    count(*) as members_declared,
    count(authorization_no) as members_verified,
    count(*) - count(authorization_no) as members_refused
from {{ ref('stg_verification_request') }}
group by request_id
