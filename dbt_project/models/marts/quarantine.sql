-- Rows rejected by validation for the run, with where they were and why (never the values).

select
    cast(source as {{ dbt.type_string() }}) as source,
    run_date,
    cast(file as {{ dbt.type_string() }}) as file,
    cast(line as {{ dbt.type_bigint() }}) as line,
    cast(reason_code as {{ dbt.type_string() }}) as reason_code,
    cast(reason as {{ dbt.type_string() }}) as reason
from {{ source('hedui', 'quarantine') }}
