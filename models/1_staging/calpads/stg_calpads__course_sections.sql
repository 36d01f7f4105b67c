{#-
    The CRSC rows that load: every line of base_calpads__course_sections without an exclusion
    reason, once (an exact duplicate of an earlier line of the same file is dropped;
    staging_file_reconciliation counts them). Grain: one row per course section x term.
-#}

with

base as (
    select * from {{ ref('base_calpads__course_sections') }}
),

{{ k12_loaded_lines('base') }}

final as (
    select
        source_file,
        school_year,
        source_line_number,
        lea_code,
        school_code,
        academic_year_id,
        course_section_id,
        local_course_id,
        course_name,
        state_course_code,
        is_uc_csu_approved,
        ag_area_code,
        instructional_level_code,
        academic_term_code,
        teacher_id
    from loaded_lines
)

select * from final
