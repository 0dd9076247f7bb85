{% test unique_key(model, columns) %}
{#- Rows whose combination of ``columns`` is not unique (a composite primary key). -#}
select {{ columns | join(', ') }}, count(*) as n_rows
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
