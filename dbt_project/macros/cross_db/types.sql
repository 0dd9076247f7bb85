{% macro type_amount() -%}
    {#- Amounts as delivered: yuan with up to 4 decimal places (the contract's decimal). -#}
    {{ return(adapter.dispatch('type_amount', 'hedui')()) }}
{%- endmacro %}

{% macro default__type_amount() -%}numeric(18, 4){%- endmacro %}

{% macro type_money() -%}
    {#- Money reported to the cent. -#}
    {{ return(adapter.dispatch('type_money', 'hedui')()) }}
{%- endmacro %}

{% macro default__type_money() -%}numeric(18, 2){%- endmacro %}

{% macro string_array_type() -%}
    {{ return(adapter.dispatch('string_array_type', 'hedui')()) }}
{%- endmacro %}

{% macro default__string_array_type() -%}text[]{%- endmacro %}

{% macro duckdb__string_array_type() -%}varchar[]{%- endmacro %}

{% macro spark__type_amount() -%}decimal(18, 4){%- endmacro %}

{% macro spark__type_money() -%}decimal(18, 2){%- endmacro %}

{% macro spark__string_array_type() -%}array<string>{%- endmacro %}
