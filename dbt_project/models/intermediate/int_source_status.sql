-- Whether each source's data may be used for the run (policy.md §7): passed, or late within
-- its freshness limit, and loaded. Failed and missing sources make the results that read them
-- incomplete.

select
    source,
    run_date,
    status,
    coalesce(usable, false) as usable,
    data_as_of
from {{ source('hedui', 'source_status') }}
