{% macro counting_numbers(relation, count_column) -%}
    {#- A select of generated_number 1..max(count_column) of `relation` (at least 1), one row
        each: a partner's count of homes or vehicles of one person is expanded into rows with
        it, whatever the count. -#}
    select {{ hedui.series_rows('counts.upto') }} as generated_number
    from (
        select greatest(coalesce(max({{ count_column }}), 0), 1) as upto
        from {{ relation }}
    ) as counts
{%- endmacro %}

{% macro series_rows(upto) -%}
    {#- A set-returning select-list expression: one row per integer 1..upto. -#}
    {{ return(adapter.dispatch('series_rows', 'hedui')(upto)) }}
{%- endmacro %}

{% macro default__series_rows(upto) -%}
    generate_series(1, {{ upto }})
{%- endmacro %}

{% macro duckdb__series_rows(upto) -%}
    unnest(generate_series(1, {{ upto }}))
{%- endmacro %}

{% macro spark__series_rows(upto) -%}
    explode(sequence(1, {{ upto }}))
{%- endmacro %}

{% macro explode_list(list) -%}
    {#- A set-returning select-list expression: one row per element of a list. -#}
    {{ return(adapter.dispatch('explode_list', 'hedui')(list)) }}
{%- endmacro %}

{% macro default__explode_list(list) -%}
    unnest({{ list }})
{%- endmacro %}

{% macro spark__explode_list(list) -%}
    explode({{ list }})
{%- endmacro %}
