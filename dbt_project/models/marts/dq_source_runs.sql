-- Data quality per source and run (from validation): row accounting holds,
-- rows_landed = rows_loaded + rows_quarantined.

select
    cast(source as {{ dbt.type_string() }}) as source,
    run_date,
    cast(status as {{ dbt.type_string() }}) as status,
    cast(rows_landed as {{ dbt.type_bigint() }}) as rows_landed,
    cast(rows_loaded as {{ dbt.type_bigint() }}) as rows_loaded,
    cast(rows_quarantined as {{ dbt.type_bigint() }}) as rows_quarantined,
    cast(checks_evaluated as {{ dbt.type_bigint() }}) as checks_evaluated,
    cast(checks_failed as {{ dbt.type_bigint() }}) as checks_failed,
    cast(schema_hash as {{ dbt.type_string() }}) as schema_hash,
    cast(message as {{ dbt.type_string() }}) as message
from {{ source('hedui', 'dq_source_runs') }}
