{#-
    The SCSC rows that load: every line of base_calpads__course_marks without an exclusion
    reason, once (an exact duplicate of an earlier line of the same file is dropped;
    staging_file_reconciliation counts them). Grain: one row per student course mark (student x section x term).
-#}

with

base as (
    select * from {{ ref('base_calpads__course_marks') }}
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
        ssid,
        local_student_id,
        course_section_id,
        academic_term_code,
        credits_attempted,
        credits_earned,
        final_mark
    from loaded_lines
)

select * from final
