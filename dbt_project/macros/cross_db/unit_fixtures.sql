{#- Unit test fixtures on Spark: dbt renders an array fixture value (a YAML list) as a Python
    list literal (['death', 'deposit']), which Spark cannot parse; build it with array(...).
    Everything else as dbt-spark's own safe_cast. -#}

{% macro spark__safe_cast(field, type) -%}
    {%- if field is sequence and field is not string and type.lower().startswith('array') -%}
        cast(array(
            {%- for value in field -%}
                {{ 'null' if value is none else dbt.string_literal(dbt.escape_single_quotes(value | string)) }}
                {{- ', ' if not loop.last }}
            {%- endfor -%}
        ) as {{ type }})
    {%- elif field is string and type.lower().startswith('array') -%}
        {#- a list written as text ("['a', 'b']"), quoted and escaped by dbt as a string -#}
        {%- set text = field.strip() -%}
        {%- if text.startswith("'") and text.endswith("'") -%}
            {%- set text = text[1:-1].replace("\\'", "'") -%}
        {%- endif -%}
        {%- if text.startswith('[') and text.endswith(']') -%}
            cast(array({{ text[1:-1] }}) as {{ type }})
        {%- else -%}
            cast({{ text }} as {{ type }})
        {%- endif -%}
    {%- elif field is string and type.lower().startswith(('struct', 'map')) -%}
        cast({{ field.strip('"').strip("'") }} as {{ type }})
    {%- else -%}
        cast({{ field }} as {{ type }})
    {%- endif -%}
{%- endmacro %}
