-- Valid commercial property certificates of each member (docs/policy.md §5 test 4 fails on any),
-- counted from int_member_commercial_certificates.

select
    id_number,
    cast(count(distinct cert_no) as {{ dbt.type_bigint() }}) as commercial_properties
from {{ ref('int_member_commercial_certificates') }}
group by id_number
