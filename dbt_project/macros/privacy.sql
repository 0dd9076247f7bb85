{#- Display masking of personal data that is not an ID number (those never reach a mart). -#}

{% macro mask_keep_last(expression, visible=2) -%}
    {#- Every character of ``expression`` but the last ``visible`` replaced by '*' (a plate
        number 津A12345 shows as *****45); null stays null. Portable: length, repeat, right. -#}
    case
        when {{ expression }} is null then null
        else repeat('*', cast(greatest({{ dbt.length(expression) }} - {{ visible }}, 0) as integer))
            || {{ dbt.right(expression, visible) }}
    end
{%- endmacro %}
