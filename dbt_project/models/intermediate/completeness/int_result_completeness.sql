-- Per result kind (hukou, case, request, outreach): the sources it depends on that failed or
-- are missing for the run, or whose late monthly delivery does not cover the run's window,
-- whether it is complete, and the as-of date of every source it reads.

with dependencies as (

    select result, source from {{ ref('int_result_sources') }}

),

status as (

    select source, usable, covers_window, data_as_of from {{ ref('int_source_status') }}

),

missing as (

    select
        dependencies.result,
        {{ hedui.sorted_string_array_agg('dependencies.source') }} as missing_sources
    from dependencies
    left join status on status.source = dependencies.source
    where not coalesce(status.usable, false) or not coalesce(status.covers_window, true)
    group by dependencies.result

),

as_of as (

    select
        dependencies.result,
        '{' || {{ hedui.ordered_listagg(
            "'\"' || dependencies.source || '\": ' || coalesce('\"' || cast(status.data_as_of as "
            ~ dbt.type_string() ~ ") || '\"', 'null')",
            "', '",
            "dependencies.source") }} || '}' as sources_as_of
    from dependencies
    left join status on status.source = dependencies.source
    group by dependencies.result

)

select
    as_of.result,
    missing.result is null as complete,
    coalesce(missing.missing_sources, {{ hedui.string_array([]) }}) as missing_sources,
    as_of.sources_as_of
from as_of
left join missing on missing.result = as_of.result
