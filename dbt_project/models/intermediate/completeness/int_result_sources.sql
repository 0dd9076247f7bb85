-- The sources each result kind (hukou, case, request, outreach) depends on: the rule sources
-- of every figure the result uses (seeds result_figures and rule_sources).

select distinct
    result_figures.result,
    rule_sources.source
from {{ ref('result_figures') }} as result_figures
inner join {{ ref('rule_sources') }} as rule_sources
    on rule_sources.figure = result_figures.figure
