{#- The `full_refresh` config of an incremental model of the daily refresh: always rebuilt in
    full by `dbt build` (true), incremental only in a daily refresh (none: dbt decides). So an
    ordinary build never depends on earlier runs.
    In a daily refresh these models read which files are loaded from source
    extracts.extract_files (k12_unloaded_files, k12_delete_removed_files,
    k12_in_daily_refresh_years), but only in incremental mode, which dbt does not render
    while parsing. Calling source() here while parsing, in the config each of them renders
    then, puts that source in their lineage; at execution the macros resolve it themselves
    (and a unit test, which mocks only its given inputs, never asks for it). -#}
{% macro k12_full_refresh_unless_daily() -%}
    {%- if not execute -%}
        {%- do source('extracts', 'extract_files') -%}
    {%- endif -%}
    {{ return(none if k12_is_daily_refresh() else true) }}
{%- endmacro %}
