{#- Fall Census Day of a school year: the first Wednesday in October (weekday in var k12:census_day_iso_weekday). -#}
{% macro k12_census_day(school_year) -%}
    {%- set october_first = k12_make_date("(" ~ school_year ~ ") - 1", 10, 1) -%}
    {{ dbt.dateadd('day', "(" ~ var('k12:census_day_iso_weekday') ~ " - " ~ k12_iso_day_of_week(october_first) ~ " + 7) % 7", october_first) }}
{%- endmacro %}
