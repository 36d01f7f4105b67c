{#- Last day of a school year named by the year it ends in: the day before the next school year starts (June 30 by default). -#}
{% macro k12_school_year_end(school_year) -%}
    {{ dbt.dateadd('day', -1, k12_make_date(school_year, var('k12:school_year_start_month'), 1)) }}
{%- endmacro %}
