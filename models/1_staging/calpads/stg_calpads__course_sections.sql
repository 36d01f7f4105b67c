{#-
    The CRSC rows that load: every line of base_calpads__course_sections without an exclusion
    reason, once (an exact duplicate of an earlier line of the same file is dropped;
    staging_file_reconciliation counts them). Grain: one row per course section x term.
-#}

with

base as (
    select * from {{ ref('base_calpads__course_sections') }}
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
        loadable.lea_code,
        loadable.school_code,
        loadable.academic_year_id,
        loadable.course_section_id,
        loadable.local_course_id,
        loadable.course_name,
        loadable.state_course_code,
        loadable.is_uc_csu_approved,
        loadable.ag_area_code,
        loadable.instructional_level_code,
        loadable.academic_term_code,
        loadable.teacher_id
    from loadable
    left join duplicate_groups
        on loadable.source_file = duplicate_groups.source_file
        and loadable.row_hash = duplicate_groups.row_hash
    where duplicate_groups.row_hash is null
        or loadable.source_line_number = duplicate_groups.first_source_line_number
)

select * from final
