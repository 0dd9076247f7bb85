{#- Lists of strings (reason_codes, missing_sources): DuckDB lists, PostgreSQL arrays. -#}

{% macro string_array(literals) -%}
    {#- An array of SQL string literals, e.g. string_array(["'A1'", "'A2'"]); [] gives empty. -#}
    {{ return(adapter.dispatch('string_array', 'hedui')(literals)) }}
{%- endmacro %}

{% macro default__string_array(literals) -%}
    cast(array[{{ literals | join(', ') }}] as {{ hedui.string_array_type() }})
{%- endmacro %}

{% macro duckdb__string_array(literals) -%}
    cast([{{ literals | join(', ') }}] as {{ hedui.string_array_type() }})
{%- endmacro %}

{% macro sorted_string_array_agg(expression) -%}
    {#- Aggregate strings into a sorted array (null when there are no rows). -#}
    {{ return(adapter.dispatch('sorted_string_array_agg', 'hedui')(expression)) }}
{%- endmacro %}

{% macro default__sorted_string_array_agg(expression) -%}
    array_agg(distinct {{ expression }} order by {{ expression }})
{%- endmacro %}

{% macro array_size(array) -%}
    {#- Number of elements of an array (0 for an empty one). -#}
    {{ return(adapter.dispatch('array_size', 'hedui')(array)) }}
{%- endmacro %}

{% macro default__array_size(array) -%}
    coalesce(cardinality({{ array }}), 0)
{%- endmacro %}

{% macro duckdb__array_size(array) -%}
    coalesce(len({{ array }}), 0)
{%- endmacro %}

{% macro sorted_string_array_union(left, right) -%}
    {#- The sorted distinct union of two string arrays (neither may be null). -#}
    {{ return(adapter.dispatch('sorted_string_array_union', 'hedui')(left, right)) }}
{%- endmacro %}

{% macro default__sorted_string_array_union(left, right) -%}
    cast(array(
        select distinct element from unnest({{ left }} || {{ right }}) as element order by element
    ) as {{ hedui.string_array_type() }})
{%- endmacro %}

{% macro duckdb__sorted_string_array_union(left, right) -%}
    list_sort(list_distinct(list_concat({{ left }}, {{ right }})))
{%- endmacro %}
