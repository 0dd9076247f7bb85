{#- JSON arrays of records delivered as text (cross_region_answer.income_months). -#}

{% macro income_month_rows(relation, keys) -%}
    {#- One row per element of `income_months` (a JSON array of {period, item, amount}) of every
        row of `relation`, with the columns `keys` of that row: keys..., period, item, amount
        (amount as text; cast it). -#}
    {{ return(adapter.dispatch('income_month_rows', 'hedui')(relation, keys)) }}
{%- endmacro %}

{% macro default__income_month_rows(relation, keys) -%}
    {#- DuckDB and Spark: parse into a list of structs, one row per element. -#}
    select
        {%- for key in keys %}
        elements.{{ key }},
        {%- endfor %}
        elements.element.period as period,
        elements.element.item as item,
        elements.element.amount as amount
    from (
        select
            {%- for key in keys %}
            answers.{{ key }},
            {%- endfor %}
            {{ hedui.explode_list(
                hedui.json_records('answers.income_months', ['period', 'item', 'amount'])
            ) }} as element
        from {{ relation }} as answers
    ) as elements
{%- endmacro %}

{% macro postgres__income_month_rows(relation, keys) -%}
    select
        {%- for key in keys %}
        answers.{{ key }},
        {%- endfor %}
        element.period,
        element.item,
        element.amount
    from {{ relation }} as answers
    cross join lateral jsonb_to_recordset(cast(answers.income_months as jsonb))
        as element (period text, item text, amount text)
{%- endmacro %}

{% macro json_records(text, fields) -%}
    {#- A JSON array of records (text) as a list of structs of the string `fields`. -#}
    {{ return(adapter.dispatch('json_records', 'hedui')(text, fields)) }}
{%- endmacro %}

{% macro default__json_records(text, fields) -%}
    {#- PostgreSQL (income_month_rows has its own lateral form there): the JSON value. -#}
    cast({{ text }} as jsonb)
{%- endmacro %}

{% macro duckdb__json_records(text, fields) -%}
    from_json({{ text }}, '[{ {%- for f in fields -%}
        "{{ f }}": "VARCHAR"{{ ", " if not loop.last }}
    {%- endfor -%} }]')
{%- endmacro %}

{% macro spark__json_records(text, fields) -%}
    from_json({{ text }}, 'array<struct<
        {%- for f in fields -%}{{ f }}:string{{ "," if not loop.last }}{%- endfor -%}
    >>')
{%- endmacro %}
