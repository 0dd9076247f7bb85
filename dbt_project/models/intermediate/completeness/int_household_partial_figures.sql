-- Per household (hukou, case, request): which figures of its result are partial, because rows
-- of one of their sources naming a member or the household were quarantined
-- (int_quarantined_households). A partial figure shows what did load; what is missing can only
-- add to it (more income, more assets, more homes, more expenditure, another member or a death),
-- so a rule reading it is decided only when no missing row could change the answer. A member
-- out of local coverage without an answer that counts (int_household_cross_region_gaps,
-- docs/policy.md §11) leaves the income, cash assets, vehicles and homes partial the same way.

{%- set figures = ['members', 'capacity', 'income', 'rigid_expenditure', 'cash_assets',
                   'vehicles', 'homes', 'commercial_property'] %}

with remote_figures as (

    select 'income' as figure
    union all
    select 'cash_assets' as figure
    union all
    select 'vehicles' as figure
    union all
    select 'homes' as figure

),

gaps as (

    select distinct
        quarantined.household_kind,
        quarantined.household_id,
        case
            when rule_sources.figure like 'members%' then 'members'
            else rule_sources.figure
        end as figure
    from {{ ref('int_quarantined_households') }} as quarantined
    inner join {{ ref('rule_sources') }} as rule_sources
        on rule_sources.source = quarantined.source
    inner join {{ ref('result_figures') }} as result_figures
        on
            result_figures.result = quarantined.household_kind
            and result_figures.figure = rule_sources.figure

    union

    select
        cross_region.household_kind,
        cross_region.household_id,
        remote_figures.figure
    from {{ ref('int_household_cross_region_gaps') }} as cross_region
    cross join remote_figures

)

select
    household_kind,
    household_id,
{%- for figure in figures %}
    {{ dbt.bool_or("figure = '" ~ figure ~ "'") }} as {{ figure }}_partial
    {{- ',' if not loop.last }}
{%- endfor %}
from gaps
group by household_kind, household_id
