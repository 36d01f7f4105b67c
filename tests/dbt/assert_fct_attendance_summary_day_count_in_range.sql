{#-
    Rule day_count_in_range (k12 check --marts): every STAS day count of
    fct_attendance_summary (the expected days and the days counted against them, macro
    k12_stas_day_columns) lies within the range the extract contract gives its STAS column
    (min_value, max_value of seeds/contract/extract_columns.csv). Returns one row per
    offending row and column.
-#}
{{ config(tags=['marts_check'], severity='error', meta={
    'rule': 'day_count_in_range',
    'what': 'fct_attendance_summary: every day count lies within the range the extract contract gives its STAS column (seeds/contract)',
    'how_to_resolve': 'Run k12 check (it quarantines such STAS lines) and build again, or correct the count in the SIS.'}) }}

{%- set day_columns = k12_stas_day_columns() %}

with

attendance as (
    select * from {{ ref('fct_attendance_summary') }}
),

extract_columns as (
    select * from {{ ref('extract_columns') }}
),

day_counts as (
    {%- for column in [day_columns.expected] + day_columns.counted %}
    select
        attendance_summary_id,
        school_key,
        school_year,
        measure_source,
        '{{ column.staging_column }}' as staging_column,
        {{ column.staging_column }} as day_count
    from attendance
    {{- '\n    union all' if not loop.last }}
    {%- endfor %}
)

select
    day_counts.*,
    extract_columns.min_value,
    extract_columns.max_value
from day_counts
inner join extract_columns
    on day_counts.staging_column = extract_columns.staging_column
where extract_columns.extract_code = 'STAS'
    and (day_counts.day_count < extract_columns.min_value or day_counts.day_count > extract_columns.max_value)
