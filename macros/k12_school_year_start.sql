{#- First day of a school year named by the year it ends in (2025 = 2024-25): July 1 by default (var k12:school_year_start_month). -#}
{% macro k12_school_year_start(school_year) -%}
    {{ k12_make_date("(" ~ school_year ~ ") - 1", var('k12:school_year_start_month'), 1) }}
{%- endmacro %}
