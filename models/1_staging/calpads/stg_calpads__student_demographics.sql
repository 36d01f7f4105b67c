{#-
    The SINF rows that load: every line of base_calpads__student_demographics without an exclusion
    reason, once (an exact duplicate of an earlier line of the same file is dropped;
    staging_file_reconciliation counts them). Grain: one row per student information (demographics) record.
-#}

with

base as (
    select * from {{ ref('base_calpads__student_demographics') }}
),

{{ k12_loaded_lines('base') }}

final as (
    select
        source_file,
        school_year,
        source_line_number,
        lea_code,
        school_code,
        ssid,
        local_student_id,
        effective_start_date,
        effective_end_date,
        student_first_name,
        student_last_name,
        birth_date,
        gender_code,
        is_hispanic,
        race_1_code,
        race_2_code,
        race_3_code,
        race_4_code,
        race_5_code,
        initial_us_school_enrollment_date,
        parent_1_education_level_code,
        parent_2_education_level_code
    from loaded_lines
)

select * from final
