{#- Portable date arithmetic (extract, substr and dbt.dateadd work on DuckDB and PostgreSQL). -#}

{% macro date_part_int(part, day) -%}
    cast(extract({{ part }} from {{ day }}) as integer)
{%- endmacro %}

{% macro age_on(birth_date, day) -%}
    {#- Full years on ``day`` (docs/policy.md §1: ages are full years on D, from the birth date). -#}
    ({{ hedui.date_part_int('year', day) }} - {{ hedui.date_part_int('year', birth_date) }}
     - case
           when {{ hedui.date_part_int('month', day) }} * 100
                + {{ hedui.date_part_int('day', day) }}
              < {{ hedui.date_part_int('month', birth_date) }} * 100
                + {{ hedui.date_part_int('day', birth_date) }}
           then 1 else 0
       end)
{%- endmacro %}

{% macro month_index(day) -%}
    {#- Months since year 0 (year * 12 + month - 1), to compare calendar months. -#}
    ({{ hedui.date_part_int('year', day) }} * 12 + {{ hedui.date_part_int('month', day) }} - 1)
{%- endmacro %}

{% macro period_month_index(period) -%}
    {#- month_index of a YYYY-MM period. -#}
    (cast(substr({{ period }}, 1, 4) as integer) * 12
     + cast(substr({{ period }}, 6, 2) as integer) - 1)
{%- endmacro %}

{% macro add_years(day, years) -%}
    cast({{ dbt.dateadd('year', years, day) }} as date)
{%- endmacro %}

{% macro birth_date_from_id(id_number) -%}
    {#- The birth date encoded in an 18-character resident ID number (characters 7-14). -#}
    cast(substr({{ id_number }}, 7, 4) || '-' || substr({{ id_number }}, 11, 2) || '-'
         || substr({{ id_number }}, 13, 2) as date)
{%- endmacro %}

{% macro date_literal(text) -%}
    cast('{{ text }}' as date)
{%- endmacro %}

{% macro days_between(first, second) -%}
    {#- Whole days from date ``first`` to date ``second`` (an integer; Spark's date - date is an
        interval). -#}
    {{ return(adapter.dispatch('days_between', 'hedui')(first, second)) }}
{%- endmacro %}

{% macro default__days_between(first, second) -%}
    ({{ second }} - {{ first }})
{%- endmacro %}

{% macro spark__days_between(first, second) -%}
    datediff({{ second }}, {{ first }})
{%- endmacro %}
