{% macro generate_schema_name(custom_schema_name, node) -%}
    {#- Schemas are named exactly (raw, staging, intermediate, marts, restricted, seeds), with an
        optional HEDUI_SCHEMA_PREFIX so a test run can build into its own schemas. -#}
    {%- set prefix = env_var('HEDUI_SCHEMA_PREFIX', '') -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ prefix ~ (custom_schema_name | trim) }}
    {%- endif -%}
{%- endmacro %}
