{#- True in a daily refresh (`k12 refresh`, which sets K12_DAILY_REFRESH=1): the models tagged
    daily_refresh then update only what new attendance files change. Read at parse time by
    the models' config, so dbt re-parses just those models when the mode changes. -#}
{% macro k12_is_daily_refresh() -%}
    {{ return(env_var('K12_DAILY_REFRESH', '') | lower in ['1', 'true', 'yes']) }}
{%- endmacro %}
