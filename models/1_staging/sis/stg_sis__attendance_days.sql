{#-
    The ATTENDANCE rows that load: every line of base_sis__attendance_days without an exclusion
    reason, once (an exact duplicate of an earlier line of the same file is dropped;
    staging_file_reconciliation counts them). Grain: one row per daily attendance mark (student x school x date).
    A table, unlike the other staging models: ATTENDANCE is by far the largest extract, and
    its de-duplication is computed once here rather than by every model and test that reads
    it. In a daily refresh it is incremental by file, like base_sis__attendance_days.
-#}

{{ k12_refreshed_by_file('ATTENDANCE') }}

with

base as (
    select * from {{ ref('base_sis__attendance_days') }}
    {%- if is_incremental() %}
    where {{ k12_unloaded_files_predicate('ATTENDANCE', this) }}
    {%- endif %}
),

{{ k12_loaded_lines('base') }}

final as (
    select
        {{ k12_staged_columns('ATTENDANCE', ['source_file', 'file_fingerprint', 'school_year', 'source_line_number']) }}
    from loaded_lines
)

select * from final
