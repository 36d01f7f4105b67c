{#- A predicate on a school-year column for the rows a daily refresh recomputes: the latest
    school year that has daily attendance files, and `years_before` years before it (the
    in-year indicators compare this year to date with last year at the same instructional
    day). `k12 refresh` runs a full build instead when an earlier year's attendance changed. -#}
{% macro k12_in_daily_refresh_years(school_year_column, years_before=0) -%}
    {{ school_year_column }} >= (
        select max(school_year) - {{ years_before }} from {{ source('extracts', 'extract_files') }} where extract_code = 'ATTENDANCE'
    )
{%- endmacro %}
