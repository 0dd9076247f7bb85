-- The run: its date (var run_date, the only clock), the policy parameters in force on it (per
-- parameter the row with the latest effective_from <= D) and the dates and lines derived from
-- them. Every rule reads D and its numbers from this one row.
{%- set run_date = var('run_date') -%}
{%- if execute and not run_date %}
    {{ exceptions.raise_compiler_error("var run_date (YYYY-MM-DD) is required") }}
{%- endif %}

with run as (

    select {{ hedui.date_literal(run_date) }} as run_date

),

in_force as (

    select
        parameters.parameter,
        parameters.value,
        parameters.effective_from,
        parameters.version,
        row_number() over (
            partition by parameters.parameter
            order by parameters.effective_from desc, parameters.version desc
        ) as recency
    from {{ ref('policy_parameters') }} as parameters
    cross join run
    where parameters.effective_from <= run.run_date

),

chosen as (

    select * from in_force
    where recency = 1

),

edition as (

    select version as policy_version
    from chosen
    order by effective_from desc, version desc
    limit 1

),

pivoted as (

    select
    {%- for name in hedui.policy_parameter_names() %}
            max(case when parameter = '{{ name }}' then value end) as {{ name }}
            {{- ',' if not loop.last }}
    {%- endfor %}
    from chosen

)

select
    run.run_date,
    edition.policy_version,
    {%- for name in hedui.policy_parameter_names() %}
        pivoted.{{ name }},
    {%- endfor %}
    cast(pivoted.dibao_standard * pivoted.low_income_multiplier as {{ hedui.type_amount() }})
        as low_income_line,
    cast(pivoted.dibao_standard * pivoted.monitor_multiplier as {{ hedui.type_amount() }})
        as monitor_line,
    cast(pivoted.dibao_standard * pivoted.asset_months as {{ hedui.type_amount() }})
        as asset_limit_per_person,
    {{ hedui.month_index('run.run_date') }} as run_month_index,
    {{ hedui.date_part_int('year', 'run.run_date') }}
    - case
        when
            {{ hedui.date_part_int('month', 'run.run_date') }}
            >= pivoted.school_year_start_month
            then 0
        else 1
    end as school_year,
    {{ hedui.add_years('run.run_date', -1) }} as last_year_start
from run
cross join edition
cross join pivoted
