-- Reviews of current recipients (动态调整, policy.md §8), one row per active assistance_roll case
-- (start_date <= D, end_date empty or >= D) and review code that applies, with evidence. The
-- case's household is its members who are not dead (int_household_results, kind case):
--   R_INCOME    per-capita income >= the line of the case's type: dibao_standard for dibao and
--               tekun_*, the low-income line for low_income, never for expenditure_hardship;
--   R_ASSETS    asset test A1 fails;  R_VEHICLE  A2 fails;  R_PROPERTY  A3 or A4 fails;
--   R_DECEASED  a case member died;   R_MOVED  a case member's hukou status is moved_out;
--   R_BUSINESS  a living member is investor in an active market entity established after the
--               case start.
-- A review is a task for staff, never a decision. Rules with an unusable source are not
-- evaluated (int_monitor_rule_status).
{%- set money = hedui.type_money() %}
{%- set text = dbt.type_string() %}

with params as (

    select run_date, dibao_standard, low_income_line, asset_limit_per_person
    from {{ ref('int_policy_parameters') }}

),

cases as (

    select case_no, assistance_type, start_date
    from {{ ref('int_cases') }}
    where is_active

),

results as (

    select *
    from {{ ref('int_household_results') }}
    where household_kind = 'case'

),

living as (

    select household_id as case_no, id_number
    from {{ ref('int_household_members') }}
    where household_kind = 'case'

),

roll as (

    select distinct case_no, id_number from {{ ref('stg_assistance_roll') }}

),

identity as (

    select id_number, person_key from {{ source('hedui', 'identity') }}

),

hukou as (

    select id_number, status, status_date, source_file, source_line
    from {{ ref('stg_hukou') }}

),

lines as (

    select
        cases.case_no,
        cases.assistance_type,
        case
            when cases.assistance_type in ('dibao', 'tekun_centralized', 'tekun_dispersed')
            then params.dibao_standard
            when cases.assistance_type = 'low_income' then params.low_income_line
        end as income_line
    from cases
    cross join params

),

items as (

    -- R_INCOME: the per-capita income, the line and every living member's monthly average
    select
        lines.case_no,
        'R_INCOME' as review_code,
        0 as item_group,
        {{ hedui.evidence_item(
            source="'computed'", record='lines.assistance_type', item="'income_per_capita'",
            amount='cast(results.income_per_capita as ' ~ money ~ ')') }} as item
    from lines
    inner join results on results.household_id = lines.case_no
    where results.income_per_capita >= lines.income_line

    union all

    select
        lines.case_no,
        'R_INCOME' as review_code,
        0 as item_group,
        {{ hedui.evidence_item(
            source="'computed'", record='lines.assistance_type', item="'income_line'",
            amount='cast(lines.income_line as ' ~ money ~ ')') }} as item
    from lines
    inner join results on results.household_id = lines.case_no
    where results.income_per_capita >= lines.income_line

    union all

    select
        lines.case_no,
        'R_INCOME' as review_code,
        1 as item_group,
        {{ hedui.evidence_item(
            source="'tax+social_insurance'", person_key='identity.person_key',
            item="'monthly_income_12_month_average'",
            amount='cast(income.monthly_income as ' ~ money ~ ')') }} as item
    from lines
    inner join results on results.household_id = lines.case_no
    inner join living on living.case_no = lines.case_no
    left join {{ ref('int_member_income') }} as income on income.id_number = living.id_number
    left join identity on identity.id_number = living.id_number
    where results.income_per_capita >= lines.income_line

    union all

    -- R_ASSETS: cash-type assets per capita, the limit and each member's non-zero components
    select
        cases.case_no,
        'R_ASSETS' as review_code,
        0 as item_group,
        {{ hedui.evidence_item(
            source="'computed'", item="'cash_assets_per_capita'",
            amount='cast(results.cash_assets_per_capita as ' ~ money ~ ')') }} as item
    from cases
    inner join results on results.household_id = cases.case_no
    where results.a1_cash_assets_failed

    union all

    select
        cases.case_no,
        'R_ASSETS' as review_code,
        0 as item_group,
        {{ hedui.evidence_item(
            source="'computed'", item="'cash_assets_limit_per_person'",
            amount='cast(params.asset_limit_per_person as ' ~ money ~ ')') }} as item
    from cases
    inner join results on results.household_id = cases.case_no
    cross join params
    where results.a1_cash_assets_failed

    union all

    select
        cases.case_no,
        'R_ASSETS' as review_code,
        1 as item_group,
        {{ hedui.evidence_item(
            source='components.source', person_key='identity.person_key',
            item='components.component',
            amount='cast(components.amount as ' ~ money ~ ')') }} as item
    from cases
    inner join results on results.household_id = cases.case_no
    inner join living on living.case_no = cases.case_no
    inner join (
        {%- set parts = [('deposit', 'deposits'), ('wealth_product', 'wealth_products'),
                         ('stock', 'stocks'), ('bond', 'bonds'), ('fund', 'funds'),
                         ('commercial_insurance', 'insurance_cash_value'),
                         ('market_entity', 'investor_capital')] %}
        {%- for source, column in parts %}
        select id_number, '{{ source }}' as source, '{{ column }}' as component,
               {{ column }} as amount
        from {{ ref('int_member_cash_assets') }}
        where {{ column }} <> 0
        {{ 'union all' if not loop.last }}
        {%- endfor %}
    ) as components on components.id_number = living.id_number
    left join identity on identity.id_number = living.id_number
    where results.a1_cash_assets_failed

    union all

    -- R_VEHICLE: the car and truck rows with status normal (plate masked as in member_vehicles)
    select
        cases.case_no,
        'R_VEHICLE' as review_code,
        1 as item_group,
        {{ hedui.evidence_item(
            source="'vehicle'", file='vehicle.source_file', line='vehicle.source_line',
            record=hedui.mask_keep_last('vehicle.plate_no'), person_key='identity.person_key',
            day='vehicle.first_register_date', item='vehicle.vehicle_type') }} as item
    from cases
    inner join results on results.household_id = cases.case_no
    inner join living on living.case_no = cases.case_no
    inner join {{ ref('stg_vehicle') }} as vehicle on vehicle.owner_id_number = living.id_number
    left join identity on identity.id_number = living.id_number
    where results.a2_vehicle_failed
        and vehicle.vehicle_type in {{ hedui.sql_list(var('non_exempt_vehicle_types')) }}
        and vehicle.status = 'normal'

    union all

    -- R_PROPERTY: homes and floor area (A3), valid certificates and active public rentals
    select
        cases.case_no,
        'R_PROPERTY' as review_code,
        0 as item_group,
        {{ hedui.evidence_item(
            source="'computed'", record="'A3'", item="'residential_homes'",
            amount='results.residential_homes') }} as item
    from cases
    inner join results on results.household_id = cases.case_no
    where results.a3_homes_failed

    union all

    select
        cases.case_no,
        'R_PROPERTY' as review_code,
        0 as item_group,
        {{ hedui.evidence_item(
            source="'computed'", record="'A3'", item="'residential_area_m2_per_capita'",
            amount=hedui.div_half_up('results.residential_area_m2', 'results.member_count')) }}
            as item
    from cases
    inner join results on results.household_id = cases.case_no
    where results.a3_homes_failed

    union all

    select
        cases.case_no,
        'R_PROPERTY' as review_code,
        1 as item_group,
        {{ hedui.evidence_item(
            source="'real_estate'", file='estate.source_file', line='estate.source_line',
            record='estate.cert_no', person_key='identity.person_key',
            day='estate.register_date', item="estate.property_use",
            amount='cast(estate.floor_area_m2 as ' ~ money ~ ')') }} as item
    from cases
    inner join results on results.household_id = cases.case_no
    inner join living on living.case_no = cases.case_no
    inner join {{ ref('stg_real_estate') }} as estate
        on estate.owner_id_number = living.id_number
    left join identity on identity.id_number = living.id_number
    where estate.status = 'valid'
        and ((results.a3_homes_failed and estate.property_use = 'residential')
             or (results.a4_commercial_property_failed and estate.property_use = 'commercial'))

    union all

    select
        cases.case_no,
        'R_PROPERTY' as review_code,
        1 as item_group,
        {{ hedui.evidence_item(
            source="'public_housing'", file='housing.source_file', line='housing.source_line',
            record='housing.contract_no', person_key='identity.person_key',
            day='housing.start_date', item='housing.housing_type',
            amount='cast(housing.floor_area_m2 as ' ~ money ~ ')') }} as item
    from cases
    inner join results on results.household_id = cases.case_no
    inner join living on living.case_no = cases.case_no
    inner join {{ ref('stg_public_housing') }} as housing on housing.id_number = living.id_number
    cross join params
    left join identity on identity.id_number = living.id_number
    where results.a3_homes_failed
        and housing.housing_type = 'public_rental'
        and housing.start_date <= params.run_date
        and (housing.end_date is null or housing.end_date >= params.run_date)

    union all

    -- R_DECEASED: the death record (death_date <= D) or the hukou row of a dead case member
    select
        cases.case_no,
        'R_DECEASED' as review_code,
        1 as item_group,
        {{ hedui.evidence_item(
            source="case when death.id_number is not null then 'death' else 'hukou' end",
            file='coalesce(death.source_file, hukou.source_file)',
            line='coalesce(death.source_line, hukou.source_line)',
            person_key='identity.person_key',
            day='coalesce(death.death_date, hukou.status_date)',
            item="'death'") }} as item
    from cases
    inner join roll on roll.case_no = cases.case_no
    inner join {{ ref('int_deaths') }} as dead on dead.id_number = roll.id_number
    cross join params
    left join {{ ref('stg_death') }} as death
        on death.id_number = roll.id_number
        and death.death_date <= params.run_date
    left join hukou on hukou.id_number = roll.id_number
    left join identity on identity.id_number = roll.id_number

    union all

    -- R_MOVED: the hukou row of a moved-out case member
    select
        cases.case_no,
        'R_MOVED' as review_code,
        1 as item_group,
        {{ hedui.evidence_item(
            source="'hukou'", file='hukou.source_file', line='hukou.source_line',
            person_key='identity.person_key', day='hukou.status_date',
            item="'moved_out'") }} as item
    from cases
    inner join roll on roll.case_no = cases.case_no
    inner join hukou on hukou.id_number = roll.id_number
    left join identity on identity.id_number = roll.id_number
    where hukou.status = 'moved_out'

    union all

    -- R_BUSINESS: the case start, and the investor rows of active entities established after it
    select distinct
        cases.case_no,
        'R_BUSINESS' as review_code,
        0 as item_group,
        {{ hedui.evidence_item(
            source="'assistance_roll'", record='cases.case_no', day='cases.start_date',
            item="'case_start_date'") }} as item
    from cases
    inner join living on living.case_no = cases.case_no
    inner join {{ ref('stg_market_entity') }} as entity
        on entity.person_id_number = living.id_number
    where entity.role = 'investor'
        and entity.status = 'active'
        and entity.established_date > cases.start_date

    union all

    select
        cases.case_no,
        'R_BUSINESS' as review_code,
        1 as item_group,
        {{ hedui.evidence_item(
            source="'market_entity'", file='entity.source_file', line='entity.source_line',
            person_key='identity.person_key',
            day='entity.established_date', item="'investor_' || entity.entity_type",
            amount='cast(entity.subscribed_capital as ' ~ money ~ ')') }} as item
    from cases
    inner join living on living.case_no = cases.case_no
    inner join {{ ref('stg_market_entity') }} as entity
        on entity.person_id_number = living.id_number
    left join identity on identity.id_number = living.id_number
    where entity.role = 'investor'
        and entity.status = 'active'
        and entity.established_date > cases.start_date

)

select
    items.case_no,
    items.review_code,
    cases.assistance_type,
    {{ hedui.evidence_list('items.item', 'items.item_group, items.item') }} as evidence
from items
inner join cases on cases.case_no = items.case_no
inner join {{ ref('int_monitor_rule_status') }} as rules
    on rules.rule_code = items.review_code
where rules.is_known
group by items.case_no, items.review_code, cases.assistance_type
