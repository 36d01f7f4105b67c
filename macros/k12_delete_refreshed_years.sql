{#- Pre-hook of the daily refresh's models that are incremental by school year: delete the
    rows the refresh recomputes (school years from k12_in_daily_refresh_years; with
    `in_year_only`, only the in-year "to date" indicators; with `daily_attendance_only`, only
    the measures from daily attendance), so that the model then appends its new rows. A
    delete by predicate rather than dbt's delete+insert on a composite key, which joins every
    old row of a year to every new one. A no-op in a full build. -#}
{% macro k12_delete_refreshed_years(years_before=0, in_year_only=false, daily_attendance_only=false) -%}
    {%- if is_incremental() -%}
    delete from {{ this }}
    where {{ k12_in_daily_refresh_years('school_year', years_before) }}
    {%- if in_year_only %}
        and period_type = 'to_date'
    {%- endif %}
    {%- if daily_attendance_only %}
        and measure_source = 'daily_attendance'
    {%- endif -%}
    {%- endif -%}
{%- endmacro %}
