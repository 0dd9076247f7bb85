-- Restricted: person_key <-> ID number and name. Read only through the staff lookup, with an
-- audit record; no other published table holds an ID number or a name.
{{ config(schema='restricted') }}

select
    cast(person_key as {{ dbt.type_string() }}) as person_key,
    cast(id_number as {{ dbt.type_string() }}) as id_number,
    cast(name as {{ dbt.type_string() }}) as name
from {{ source('hedui', 'identity') }}
