{#-
    The ATTENDANCE rows that load: every line of base_sis__attendance_days without an exclusion
    reason, once (an exact duplicate of an earlier line of the same file is dropped;
    staging_file_reconciliation counts them). Grain: one row per daily attendance mark (student x school x date).
    A table, unlike the other staging models: ATTENDANCE is by far the largest extract, and
    its de-duplication is computed once here rather than by every model and test that reads
    it. In a daily refresh it is incremental by file, like base_sis__attendance_days.
-#}

{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='source_file',
    full_refresh=k12_full_refresh_unless_daily(),
    post_hook="{{ k12_delete_removed_files('ATTENDANCE') }}",
    tags=['daily_refresh'],
) }}

with

base as (
    select * from {{ ref('base_sis__attendance_days') }}
    {%- if is_incremental() %}
    where {{ k12_unloaded_files_predicate('ATTENDANCE', this) }}
    {%- endif %}
),

loadable as (
    select * from base
    where exclusion_reason is null
),

{{ k12_duplicate_groups_cte('loadable') }}

final as (
    select
        loadable.source_file,
        loadable.file_fingerprint,
        loadable.school_year,
        loadable.source_line_number,
        loadable.lea_code,
        loadable.school_code,
        loadable.ssid,
        loadable.attendance_date,
        loadable.attendance_code
    from loadable
    left join duplicate_groups
        on loadable.source_file = duplicate_groups.source_file
        and loadable.row_hash = duplicate_groups.row_hash
    where duplicate_groups.row_hash is null
        or loadable.source_line_number = duplicate_groups.first_source_line_number
)

select * from final
