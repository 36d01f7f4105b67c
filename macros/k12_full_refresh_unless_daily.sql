{#- The `full_refresh` config of an incremental model of the daily refresh: always rebuilt in
    full by `dbt build` (true), incremental only in a daily refresh (none: dbt decides). So an
    ordinary build never depends on earlier runs. -#}
{% macro k12_full_refresh_unless_daily() -%}
    {{ return(none if k12_is_daily_refresh() else true) }}
{%- endmacro %}
