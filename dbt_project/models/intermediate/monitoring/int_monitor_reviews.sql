-- Reviews of current recipients (动态调整, docs/policy.md §8), one row per active assistance_roll case
-- and review code that fires or could not be evaluated, from one model per code
-- (int_monitor_review_income, _assets, _vehicle, _property, _deceased, _moved, _business).
-- Three-valued (docs/missing-data.md): a rule with an unusable source (int_source_status; a
-- monthly window a late delivery does not cover) is not evaluated for any case, and never fires
-- on stale data. Rows of a source the rule reads that were quarantined naming the case
-- (int_quarantined_households) leave a review that did not fire "not evaluated" (the lost rows
-- could make it fire); one that fired on the rows that loaded stands, incomplete. A review is a
-- task for staff, never a decision.

with fired as (

    select case_no, review_code, evidence from {{ ref('int_monitor_review_income') }}
    union all
    select case_no, review_code, evidence from {{ ref('int_monitor_review_assets') }}
    union all
    select case_no, review_code, evidence from {{ ref('int_monitor_review_vehicle') }}
    union all
    select case_no, review_code, evidence from {{ ref('int_monitor_review_property') }}
    union all
    select case_no, review_code, evidence from {{ ref('int_monitor_review_deceased') }}
    union all
    select case_no, review_code, evidence from {{ ref('int_monitor_review_moved') }}
    union all
    select case_no, review_code, evidence from {{ ref('int_monitor_review_business') }}

),

cases as (

    select case_no, assistance_type from {{ ref('int_cases') }}
    where is_active

),

rule_sources as (

    select rule_code as review_code, source
    from {{ ref('monitor_rule_sources') }}
    where rule_code like 'R%'

),

rules as (

    select distinct review_code from rule_sources

),

unusable as (

    select rule_sources.review_code, rule_sources.source
    from rule_sources
    left join {{ ref('int_source_status') }} as status on status.source = rule_sources.source
    where not coalesce(status.usable, false) or not coalesce(status.covers_window, true)

),

gaps as (

    -- a source the rule cannot read tonight: every active case
    select cases.case_no, unusable.review_code, unusable.source, true as rule_unknown
    from cases
    cross join unusable

    union all

    -- rows of a source the rule reads were quarantined naming the case or one of its members
    select distinct
        quarantined.household_id as case_no,
        rule_sources.review_code,
        rule_sources.source,
        false as rule_unknown
    from {{ ref('int_quarantined_households') }} as quarantined
    inner join rule_sources on rule_sources.source = quarantined.source
    inner join cases on cases.case_no = quarantined.household_id
    where quarantined.household_kind = 'case'

),

missing as (

    select
        case_no,
        review_code,
        {{ dbt.bool_or('rule_unknown') }} as rule_unknown,
        {{ hedui.sorted_string_array_agg('source') }} as missing_sources,
        {{ hedui.evidence_list(hedui.evidence_item(
            source='source', item="'not_evaluated'"), 'source') }} as evidence
    from (select distinct case_no, review_code, source, rule_unknown from gaps) as distinct_gaps
    group by case_no, review_code

),

reviews as (

    select
        cases.case_no,
        rules.review_code,
        cases.assistance_type,
        fired.evidence as fired_evidence,
        missing.evidence as gap_evidence,
        coalesce(missing.rule_unknown, false) as rule_unknown,
        missing.missing_sources
    from cases
    cross join rules
    left join fired
        on
            fired.case_no = cases.case_no
            and fired.review_code = rules.review_code
    left join missing
        on
            missing.case_no = cases.case_no
            and missing.review_code = rules.review_code
    where fired.case_no is not null or missing.case_no is not null

)

select
    case_no,
    review_code,
    assistance_type,
    not rule_unknown and fired_evidence is not null as evaluated,
    case
        when not rule_unknown and fired_evidence is not null then fired_evidence
        else gap_evidence
    end as evidence,
    missing_sources is null as complete,
    coalesce(missing_sources, {{ hedui.string_array([]) }}) as missing_sources
from reviews
