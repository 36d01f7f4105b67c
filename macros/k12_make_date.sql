{#- A date from year, month and day expressions (make_date exists in DuckDB and Spark). -#}
{% macro k12_make_date(year, month, day) -%}
    {{ return(adapter.dispatch('k12_make_date', 'k12_inquiry')(year, month, day)) }}
{%- endmacro %}

{% macro default__k12_make_date(year, month, day) -%}
    make_date(cast({{ year }} as integer), cast({{ month }} as integer), cast({{ day }} as integer))
{%- endmacro %}
