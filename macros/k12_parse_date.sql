{#- A text date as a date, trying each format of var k12:date_formats; NULL when none fits. -#}
{% macro k12_parse_date(column) -%}
    {{ return(adapter.dispatch('k12_parse_date', 'k12_inquiry')(column)) }}
{%- endmacro %}

{% macro default__k12_parse_date(column) -%}
    coalesce(
    {%- for format in var('k12:date_formats_spark') %}
        to_date({{ column }}, '{{ format }}'){{ "," if not loop.last }}
    {%- endfor %}
    )
{%- endmacro %}

{% macro duckdb__k12_parse_date(column) -%}
    cast(try_strptime({{ column }}, [{% for format in var('k12:date_formats') %}'{{ format }}'{{ ", " if not loop.last }}{% endfor %}]) as date)
{%- endmacro %}
