{#- Money arithmetic: exact, rounded half-up (docs/policy.md §1: to the cent while computing,
    benefits to the whole yuan). Inputs are decimals with at most 8 decimal places. -#}

{% macro div_half_up(numerator, denominator, scale=2) -%}
    {#- numerator / denominator rounded half-up (away from zero) to ``scale`` places. -#}
    {{ return(adapter.dispatch('div_half_up', 'hedui')(numerator, denominator, scale)) }}
{%- endmacro %}

{% macro default__div_half_up(numerator, denominator, scale) -%}
    cast(round(cast({{ numerator }} as numeric) / ({{ denominator }}), {{ scale }})
         as numeric(18, {{ scale }}))
{%- endmacro %}

{% macro duckdb__div_half_up(numerator, denominator, scale) -%}
    {#- DuckDB divides decimals in floating point, so divide integers (units of 1e-8). -#}
    {%- set units = 100000000 -%}
    {%- set step = '1' if scale == 0 else '0.' ~ ('0' * (scale - 1)) ~ '1' -%}
    {%- set den -%}(cast({{ denominator }} as hugeint) * {{ units }}){%- endset -%}
    cast(
        cast(
            sign({{ numerator }}) * (
                (cast(round(abs({{ numerator }}) * {{ units }}, 0) as hugeint)
                    * {{ 10 ** scale }} * 2 + {{ den }})
                // ({{ den }} * 2)
            ) as decimal(18, 0)
        ) * cast({{ step }} as decimal(18, {{ scale }}))
        as decimal(18, {{ scale }})
    )
{%- endmacro %}

{% macro round_half_up(amount, scale=2) -%}
    {{ hedui.div_half_up(amount, 1, scale) }}
{%- endmacro %}

{% macro whole_yuan(amount) -%}
    {#- A benefit rounded half-up to the whole yuan, as an integer. -#}
    cast({{ hedui.div_half_up(amount, 1, 0) }} as {{ dbt.type_bigint() }})
{%- endmacro %}

{% macro months_per_year() -%}
    {#- Unit conversion (yearly amounts to monthly), not a policy parameter. -#}
    12
{%- endmacro %}

{% macro spark__div_half_up(numerator, denominator, scale) -%}
    {#- Spark divides decimals exactly (to 18 places here) and round() is half-up. -#}
    cast(round(cast({{ numerator }} as decimal(28, 8)) / ({{ denominator }}), {{ scale }})
         as decimal(18, {{ scale }}))
{%- endmacro %}
