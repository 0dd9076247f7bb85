-- Reviews of current recipients (动态调整, docs/policy.md §8), one row per active assistance_roll case
-- (start_date <= D, end_date empty or >= D) for which this review fires, with evidence.
-- R_PROPERTY: asset test A3 or A4 fails. Evidence: homes and floor area per capita (A3), the
-- valid certificates and the active public rentals.
{%- set money = hedui.type_money() %}

with params as (

    select run_date, dibao_standard, low_income_line, asset_limit_per_person
    from {{ ref('int_policy_parameters') }}

),

cases as (

    select
        case_no, member_count, residential_homes, residential_area_m2, a3_homes_failed,
        a4_commercial_property_failed
    from {{ ref('int_monitor_review_cases') }}

),

members as (

    select case_no, id_number, person_key
    from {{ ref('int_monitor_review_case_members') }}
    where is_living

),

items as (

    select
        cases.case_no,
        'R_PROPERTY' as review_code,
        0 as item_group,
        {{ hedui.evidence_item(
            source="'computed'", record="'A3'", item="'residential_homes'",
            amount='cases.residential_homes') }} as item
    from cases
    where cases.a3_homes_failed

    union all

    select
        cases.case_no,
        'R_PROPERTY' as review_code,
        0 as item_group,
        {{ hedui.evidence_item(
            source="'computed'", record="'A3'", item="'residential_area_m2_per_capita'",
            amount=hedui.div_half_up('cases.residential_area_m2', 'cases.member_count')) }}
            as item
    from cases
    where cases.a3_homes_failed

    union all

    select
        cases.case_no,
        'R_PROPERTY' as review_code,
        1 as item_group,
        {{ hedui.evidence_item(
            source="'real_estate'", file='estate.source_file', line='estate.source_line',
            record='estate.cert_no', person_key='members.person_key',
            day='estate.register_date', item="estate.property_use",
            amount='cast(estate.floor_area_m2 as ' ~ money ~ ')') }} as item
    from cases
    inner join members on members.case_no = cases.case_no
    inner join {{ ref('stg_real_estate') }} as estate
        on estate.owner_id_number = members.id_number
    where
        estate.status = 'valid'
        and (
            (cases.a3_homes_failed and estate.property_use = 'residential')
            or (cases.a4_commercial_property_failed and estate.property_use = 'commercial')
        )

    union all

    select
        cases.case_no,
        'R_PROPERTY' as review_code,
        1 as item_group,
        {{ hedui.evidence_item(
            source="'public_housing'", file='housing.source_file', line='housing.source_line',
            record='housing.contract_no', person_key='members.person_key',
            day='housing.start_date', item='housing.housing_type',
            amount='cast(housing.floor_area_m2 as ' ~ money ~ ')') }} as item
    from cases
    inner join members on members.case_no = cases.case_no
    inner join {{ ref('stg_public_housing') }} as housing on housing.id_number = members.id_number
    cross join params
    where
        cases.a3_homes_failed
        and housing.housing_type = 'public_rental'
        and housing.start_date <= params.run_date
        and (housing.end_date is null or housing.end_date >= params.run_date)

)

select
    items.case_no,
    'R_PROPERTY' as review_code,
    {{ hedui.evidence_list('items.item', 'items.item_group, items.item') }} as evidence
from items
group by items.case_no
