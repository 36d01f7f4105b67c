{#-
    The ATTENDANCE rows that load: every line of base_sis__attendance_days without an exclusion
    reason, once (an exact duplicate of an earlier line of the same file is dropped;
    staging_file_reconciliation counts them). Grain: one row per daily attendance mark (student x school x date).
    A view, like the other staging models: the 54 M rows of a 100,000-student district are
    written once, by the base model, which flags the lines to leave out; this is a filter
    on it (so a daily refresh needs nothing here).
-#}

with

base as (
    select * from {{ ref('base_sis__attendance_days') }}
),

{{ k12_loaded_lines('base') }}

final as (
    select
        {{ k12_staged_columns('ATTENDANCE', ['source_file', 'file_fingerprint', 'school_year', 'source_line_number']) }}
    from loaded_lines
)

select * from final
