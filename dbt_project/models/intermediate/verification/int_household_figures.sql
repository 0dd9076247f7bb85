-- Household figures of docs/policy.md §3-5 for every household (hukou, case, request): member
-- count, income, rigid expenditure and cash-type assets per capita (to the cent, half-up),
-- residential homes and floor area, non-exempt vehicles, commercial properties, capacity to work. A
-- figure whose sources are unusable for the run is null: missing is never zero. A figure that lost
-- rows (quarantined rows of a member, int_household_partial_figures, or months a late monthly
-- delivery does not cover, int_figure_status.is_partial) shows what did load and is flagged
-- <figure>_partial: the true figure can only be larger. A public rental without a floor area makes
-- residential_area_m2 a lower bound (residential_area_unknown).

{%- set amount = hedui.type_amount() -%}
{%- set money = hedui.type_money() -%}
{%- set bigint = dbt.type_bigint() -%}
{%- set boolean = dbt.type_boolean() -%}
{#- (model, column, type) of the per-member figures, each model unique on id_number -#}
{%- set member_figures = [
    ('int_member_income', 'monthly_income', money),
    ('int_member_rigid_expenditure', 'rigid_expenditure_per_year', amount),
    ('int_member_cash_assets', 'cash_assets', amount),
    ('int_member_vehicles', 'non_exempt_vehicles', bigint),
    ('int_member_commercial_property', 'commercial_properties', bigint),
    ('int_member_attributes', 'lacks_capacity', boolean),
    ('int_member_attributes', 'severe_disability', boolean),
] -%}
{%- set figures = ['income', 'rigid_expenditure', 'cash_assets', 'homes', 'vehicles',
                   'commercial_property'] %}

with known as (

    select
    {%- for figure in figures %}
            {{ dbt.bool_or("case when figure = '" ~ figure ~ "' then is_known end") }}
                as {{ figure }}
            {{- ',' if not loop.last }}
    {%- endfor %}
    from {{ ref('int_figure_status') }}

),

partial_everywhere as (

    select
    {%- for figure in figures %}
            {{ dbt.bool_or("case when figure = '" ~ figure ~ "' then is_partial end") }}
                as {{ figure }}
            {{- ',' if not loop.last }}
    {%- endfor %}
    from {{ ref('int_figure_status') }}

),

member_figure_rows as (
    -- one row per member and figure table (each unique on id_number): one aggregation instead of
    -- a join per table, so the build holds one hash table, not six (a small memory limit)
    {%- for table, column, type in member_figures %}

        select
            id_number,
        {%- for _, other, other_type in member_figures %}
            {{ other if other == column else 'cast(null as ' ~ other_type ~ ')' }} as {{ other }}
            {{- ',' if not loop.last }}
        {%- endfor %}
        from {{ ref(table) }}
        {{- '\n\n    union all' if not loop.last }}
    {%- endfor %}

),

member_figures as (

    select
        id_number,
    {%- for _, column, type in member_figures %}
        {%- if type == boolean %}
            {{ dbt.bool_or(column) }} as {{ column }}
        {%- else %}
            max({{ column }}) as {{ column }}
        {%- endif %}
        {{- ',' if not loop.last }}
    {%- endfor %}
    from member_figure_rows
    group by id_number

),

members as (

    select
        members.household_kind,
        members.household_id,
        members.id_number,
        coalesce(figures.monthly_income, 0) as monthly_income,
        coalesce(figures.rigid_expenditure_per_year, 0) as rigid_expenditure_per_year,
        coalesce(figures.cash_assets, 0) as cash_assets,
        coalesce(figures.non_exempt_vehicles, 0) as non_exempt_vehicles,
        coalesce(figures.commercial_properties, 0) as commercial_properties,
        figures.lacks_capacity,
        figures.severe_disability
    from {{ ref('int_household_members') }} as members
    left join member_figures as figures
        on figures.id_number = members.id_number

),

households as (

    select
        household_kind,
        household_id,
        count(*) as member_count,
        sum(monthly_income) as income_total,
        sum(rigid_expenditure_per_year) as rigid_expenditure_per_year,
        sum(cash_assets) as cash_assets_total,
        sum(non_exempt_vehicles) as non_exempt_vehicles,
        sum(commercial_properties) as commercial_properties,
        sum(case when lacks_capacity = false then 1 else 0 end) as members_with_capacity,
        sum(case when lacks_capacity is null then 1 else 0 end) as members_capacity_unknown,
        sum(case when severe_disability then 1 else 0 end) as severe_members,
        sum(case when severe_disability is null then 1 else 0 end) as members_severity_unknown
    from members
    group by household_kind, household_id

),

home_rows as (

    select distinct
        members.household_kind,
        members.household_id,
        homes.home_id,
        homes.floor_area_m2
    from {{ ref('int_household_members') }} as members
    inner join {{ ref('int_member_homes') }} as homes
        on homes.id_number = members.id_number

),

homes as (

    select
        household_kind,
        household_id,
        count(*) as residential_homes,
        sum(floor_area_m2) as residential_area_m2,
        sum(case when floor_area_m2 is null then 1 else 0 end) > 0 as residential_area_unknown
    from home_rows
    group by household_kind, household_id

)

select
    households.household_kind,
    households.household_id,
    cast(households.member_count as {{ bigint }}) as member_count,
    cast(case when known.income then households.income_total end as {{ money }})
        as income_total,
    case
        when known.income
            then {{ hedui.div_half_up('households.income_total', 'households.member_count') }}
    end as income_per_capita,
    cast(
        case when known.rigid_expenditure then households.rigid_expenditure_per_year end
        as {{ amount }}
    ) as rigid_expenditure_per_year,
    case
        when known.rigid_expenditure
            then {{ hedui.div_half_up('households.rigid_expenditure_per_year',
                                  hedui.months_per_year() ~ ' * households.member_count') }}
    end as rigid_expenditure_per_capita,
    cast(case when known.cash_assets then households.cash_assets_total end as {{ amount }})
        as cash_assets_total,
    case
        when known.cash_assets
            then {{ hedui.div_half_up('households.cash_assets_total', 'households.member_count') }}
    end as cash_assets_per_capita,
    cast(case when known.homes then coalesce(homes.residential_homes, 0) end as {{ bigint }})
        as residential_homes,
    cast(case when known.homes then coalesce(homes.residential_area_m2, 0) end as {{ amount }})
        as residential_area_m2,
    cast(case when known.vehicles then households.non_exempt_vehicles end as {{ bigint }})
        as non_exempt_vehicles,
    cast(
        case when known.commercial_property then households.commercial_properties end
        as {{ bigint }}
    ) as commercial_properties,
    case
        -- a member with capacity decides, unless a lost disability row may say otherwise
        when
            households.members_with_capacity > 0
            and not coalesce(partial.capacity_partial, false) then false
        when
            households.members_with_capacity > 0
            or households.members_capacity_unknown > 0 then null
        else true
    end as all_lack_capacity,
    cast(case
        when
            households.members_severity_unknown = 0
            and not coalesce(partial.capacity_partial, false)
            then households.severe_members
    end as {{ bigint }}) as severe_members,
    coalesce(partial.members_partial, false) as members_partial,
    coalesce(partial.capacity_partial, false) as capacity_partial,
    {%- for figure in figures %}
        coalesce(partial.{{ figure }}_partial, false)
        or coalesce(partial_everywhere.{{ figure }}, false) as {{ figure }}_partial,
    {%- endfor %}
    coalesce(homes.residential_area_unknown, false) as residential_area_unknown
from households
cross join known
cross join partial_everywhere
left join {{ ref('int_household_partial_figures') }} as partial
    on
        partial.household_kind = households.household_kind
        and partial.household_id = households.household_id
left join homes
    on
        homes.household_kind = households.household_kind
        and homes.household_id = households.household_id
