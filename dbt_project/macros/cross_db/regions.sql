{% macro region_code(id_number) -%}
    {#- The province-level region of an ID number (GB 11643 address code): its first two
        digits + '0000' (110000 Beijing, 120000 Tianjin, 130000 Hebei, ...). -#}
    substr({{ id_number }}, 1, 2) || '0000'
{%- endmacro %}
