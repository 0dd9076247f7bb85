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

{#- Spark: arrays are array<string>; collect_set drops nulls, array_sort puts them last. -#}

{% macro spark__string_array(literals) -%}
    cast(array({{ literals | join(', ') }}) as {{ hedui.string_array_type() }})
{%- endmacro %}

{% macro spark__sorted_string_array_agg(expression) -%}
    array_sort(collect_set({{ expression }}))
{%- endmacro %}

{% macro spark__array_size(array) -%}
    {#- size(null) is -1 outside ANSI mode. -#}
    case when {{ array }} is null then 0 else size({{ array }}) end
{%- endmacro %}

{% macro spark__sorted_string_array_union(left, right) -%}
    array_sort(array_distinct(concat({{ left }}, {{ right }})))
{%- endmacro %}

{% macro ordered_listagg(measure, delimiter, order_by) -%}
    {#- string_agg of ``measure`` in the order of ``order_by`` (comma-separated ascending
        expressions), nulls skipped; null when there are no rows. -#}
    {{ return(adapter.dispatch('ordered_listagg', 'hedui')(measure, delimiter, order_by)) }}
{%- endmacro %}

{% macro default__ordered_listagg(measure, delimiter, order_by) -%}
    {{ dbt.listagg(measure, delimiter, 'order by ' ~ order_by) }}
{%- endmacro %}

{% macro spark__ordered_listagg(measure, delimiter, order_by) -%}
    {#- Spark has no ordered string_agg: sort (order keys..., measure) structs, keep the measure. -#}
    {%- set keys = order_by.split(',') | map('trim') | list -%}
    {%- for key in keys if ' desc' in key | lower or ' asc' in key | lower -%}
        {{ exceptions.raise_compiler_error('ordered_listagg: ascending keys only, got ' ~ key) }}
    {%- endfor -%}
    nullif(array_join(transform(
        array_sort(collect_list(named_struct(
            {%- for key in keys %} 'k{{ loop.index }}', {{ key }},{% endfor %} 'm', {{ measure }}))),
        s -> s.m), {{ delimiter }}), '')
{%- endmacro %}

{% macro ordered_string_array_agg(expression, order_by) -%}
    {#- Aggregate strings into an array in the order of ``order_by`` (one ascending key). -#}
    {{ return(adapter.dispatch('ordered_string_array_agg', 'hedui')(expression, order_by)) }}
{%- endmacro %}

{% macro default__ordered_string_array_agg(expression, order_by) -%}
    cast(array_agg({{ expression }} order by {{ order_by }}) as {{ hedui.string_array_type() }})
{%- endmacro %}

{% macro spark__ordered_string_array_agg(expression, order_by) -%}
    transform(
        array_sort(collect_list(named_struct('k', {{ order_by }}, 'm', {{ expression }}))),
        s -> s.m
    )
{%- endmacro %}
