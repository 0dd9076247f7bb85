-- Per household (request, case) and region: members out of local coverage without an answer
-- that counts (docs/policy.md §11, exchange.md): no partner for their region, no answer yet,
-- only a refusal, or an answer overdue. Their figures are missing, not zero: the household's
-- income, cash assets, vehicles and homes are partial (int_household_partial_figures, a lower
-- bound), its result is incomplete and names the region, cross_region:<region code>
-- (int_household_quarantined_sources), unless the known figures already decide it (§7).

select distinct
    members.household_kind,
    members.household_id,
    members.region_code,
    cast('cross_region:' || members.region_code as {{ dbt.type_string() }}) as missing_source
from {{ ref('int_out_of_coverage_members') }} as members
where not exists (
    select 1 from {{ ref('int_cross_region_answers') }} as answers
    where
        answers.id_number = members.id_number
        and answers.region_code = members.region_code
)
