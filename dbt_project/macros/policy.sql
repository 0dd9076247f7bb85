{% macro policy_parameter_names() -%}
    {#- Every parameter of seeds/policy_parameters.csv (a column each in int_policy_parameters). -#}
    {{ return([
        'dibao_standard', 'low_income_multiplier', 'low_income_aid', 'tekun_centralized',
        'tekun_dispersed', 'asset_months', 'city_avg_living_area_m2', 'income_window_months',
        'monitor_multiplier', 'inpatient_oop_alert', 'elderly_age', 'working_age_min',
        'severe_disability_grade_max', 'mental_disability_grade_max', 'max_residential_homes',
        'school_year_start_month',
        'warning_horizon_days', 'warning_recent_months', 'warning_base_months',
        'income_drop_ratio', 'medical_income_share', 'education_income_share', 'death_age_min',
        'death_age_max', 'job_loss_paid_months_min', 'exchange_overdue_days'
    ]) }}
{%- endmacro %}

{% macro sql_list(values) -%}
    {#- A list of names (a policy category var) as SQL string literals: ('a', 'b'). -#}
    ({%- for v in values -%}'{{ v }}'{{ ', ' if not loop.last }}{%- endfor -%})
{%- endmacro %}

{% macro policy_category(category) -%}
    {#- The members of a dated policy category list in force on the run date, as a subquery for
        `x in {{ hedui.policy_category('non_exempt_vehicle_types') }}` (int_policy_categories). -#}
    (select member from {{ ref('int_policy_categories') }} where category = '{{ category }}')
{%- endmacro %}
