{% test expression_is_true(model, expression) %}
{#- Rows for which ``expression`` is not true. -#}
select *
from {{ model }}
where not coalesce({{ expression }}, false)
{% endtest %}
