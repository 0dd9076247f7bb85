{#- Helpers of the monitoring models (docs/policy.md §8): dates before D, wide decimals for exact
    threshold products, and the JSON evidence of warnings and reviews, built with portable
    string functions (the same text on DuckDB and PostgreSQL). -#}

{% macro days_before(day, days) -%}
    {#- The date ``days`` days before ``day``; "the last N days" of D are the dates after
        days_before(D, N) up to D (docs/policy.md §1: (D - N days, D]). -#}
    cast({{ dbt.dateadd('day', '0 - cast(' ~ days ~ ' as integer)', day) }} as date)
{%- endmacro %}

{% macro type_wide_amount() -%}
    {#- Amounts in exact products with parameters (DuckDB keeps a decimal product of two
        18-digit decimals at 18 digits and fails on overflow; 38 digits leave room). -#}
    numeric(38, 4)
{%- endmacro %}

{% macro period_of_month_index(index) -%}
    {#- The YYYY-MM period of an integer month_index (year * 12 + month - 1). -#}
    {%- set i = 'cast(' ~ index ~ ' as integer)' -%}
    {%- set months = hedui.months_per_year() | trim -%}
    cast(cast(({{ i }} - mod({{ i }}, {{ months }})) / {{ months }} as integer) as {{ dbt.type_string() }})
    || '-' || lpad(cast(mod({{ i }}, {{ months }}) + 1 as {{ dbt.type_string() }}), 2, '0')
{%- endmacro %}

{% macro json_text(expression) -%}
    {#- A JSON string of a text or date expression (escaped), or null. -#}
    {{ return(adapter.dispatch('json_text', 'hedui')(expression)) }}
{%- endmacro %}

{% macro default__json_text(expression) -%}
    coalesce('"' || replace(replace(cast({{ expression }} as {{ dbt.type_string() }}), '\', '\\'),
                            '"', '\"') || '"', 'null')
{%- endmacro %}

{% macro spark__json_text(expression) -%}
    {#- Spark string literals treat a backslash as an escape: spell it chr(92). -#}
    coalesce('"' || replace(replace(cast({{ expression }} as {{ dbt.type_string() }}),
                                    chr(92), chr(92) || chr(92)),
                            '"', chr(92) || '"') || '"', 'null')
{%- endmacro %}

{% macro json_number(expression) -%}
    {#- A JSON number of a numeric expression, or null (cast it to a fixed scale first). -#}
    coalesce(cast({{ expression }} as {{ dbt.type_string() }}), 'null')
{%- endmacro %}

{% macro evidence_item(source, file='null', line='null', record='null', person_key='null',
                       day='null', item='null', amount='null') -%}
    {#- One evidence row as a JSON object with fixed keys: the source (a registry source, or
        'computed' for a figure of the rule), where the row was delivered (file, line), its
        record key (never an ID number), the person (person_key), the date, what the amount
        is (item) and the amount. -#}
    '{"source": ' || {{ hedui.json_text(source) }}
    || ', "file": ' || {{ hedui.json_text(file) }}
    || ', "line": ' || {{ hedui.json_number(line) }}
    || ', "record": ' || {{ hedui.json_text(record) }}
    || ', "person_key": ' || {{ hedui.json_text(person_key) }}
    || ', "date": ' || {{ hedui.json_text(day) }}
    || ', "item": ' || {{ hedui.json_text(item) }}
    || ', "amount": ' || {{ hedui.json_number(amount) }} || '}'
{%- endmacro %}

{% macro evidence_list(item, order_by) -%}
    {#- Aggregate evidence_item rows into a JSON array, in a deterministic order. -#}
    '[' || coalesce({{ hedui.ordered_listagg(item, "', '", order_by) }}, '') || ']'
{%- endmacro %}

{% macro warning_window_labels(recent_months='recent_months', base_months='base_months') -%}
    {#- Select items naming the two comparison windows of the W_INCOME_DROP / W_JOB_LOSS rules as
        'YYYY-MM..YYYY-MM': recent_window (the last recent_months full months before D's month)
        and base_window (the base_months full months before those); needs run_month_index. -#}
    {{ hedui.period_of_month_index('run_month_index - ' ~ recent_months) }} || '..'
        || {{ hedui.period_of_month_index('run_month_index - 1') }} as recent_window,
    {{ hedui.period_of_month_index('run_month_index - ' ~ recent_months ~ ' - ' ~ base_months) }}
        || '..' || {{ hedui.period_of_month_index('run_month_index - ' ~ recent_months ~ ' - 1') }}
        as base_window
{%- endmacro %}

{% macro window_evidence(household_id, relation, from_source, items, amounts, item_group=none,
                         id_number=none, identity=none) -%}
    {#- The two evidence rows of a W_INCOME_DROP / W_JOB_LOSS household, one per comparison
        window (recent_window and base_window of the model's windows CTE), as two selects
        joined by union all. ``relation`` is the from clause with its joins, ``from_source`` the
        evidence's source, ``items`` and ``amounts`` map 'recent' and 'base' to the row's item
        and amount, ``item_group`` orders the rows in the evidence list. With ``id_number`` the
        row names the member: its person_key from ``identity`` (source('hedui', 'identity')). -#}
    {%- for window in ['recent', 'base'] %}
    select
        {{ household_id }} as household_id,
        {%- if item_group is not none %}
        {{ item_group }} as item_group,
        {%- endif %}
        {{ hedui.evidence_item(
            source=from_source, record='windows.' ~ window ~ '_window',
            person_key='identity.person_key' if id_number else 'null',
            item=items[window], amount=amounts[window]) }} as item
    from {{ relation }}
    cross join windows
    {%- if id_number %}
    left join {{ identity }} as identity on identity.id_number = {{ id_number }}
    {%- endif %}
    {{ 'union all' if loop.first }}
    {%- endfor %}
{%- endmacro %}
