-- docs/policy.md §7: a result is complete exactly when no source it depends on is missing (and a
-- verification report with a refused member is never complete).

select 'household_verification' as model, household_id as id
from {{ ref('household_verification') }}
where complete <> ({{ hedui.array_size('missing_sources') }} = 0)

union all

select 'verification_reports' as model, request_id as id
from {{ ref('verification_reports') }}
where complete and ({{ hedui.array_size('missing_sources') }} > 0 or members_refused > 0)

union all

select 'outreach_candidates' as model, household_id as id
from {{ ref('outreach_candidates') }}
where complete <> ({{ hedui.array_size('missing_sources') }} = 0)
