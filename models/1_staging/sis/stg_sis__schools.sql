{#-
    The SCHOOLS rows that load: every line of base_sis__schools without an exclusion
    reason, once (an exact duplicate of an earlier line of the same file is dropped;
    staging_file_reconciliation counts them). Grain: one row per school directory entry.
-#}

with

base as (
    select * from {{ ref('base_sis__schools') }}
),

loadable as (
    select * from base
    where exclusion_reason is null
),

{{ k12_duplicate_groups_cte('loadable') }}

final as (
    select
        loadable.source_file,
        loadable.school_year,
        loadable.source_line_number,
        loadable.cds_code,
        loadable.school_name,
        loadable.district_name,
        loadable.school_type_code,
        loadable.low_grade_level_code,
        loadable.high_grade_level_code,
        loadable.lea_type_code
    from loadable
    left join duplicate_groups
        on loadable.source_file = duplicate_groups.source_file
        and loadable.row_hash = duplicate_groups.row_hash
    where duplicate_groups.row_hash is null
        or loadable.source_line_number = duplicate_groups.first_source_line_number
)

select * from final
