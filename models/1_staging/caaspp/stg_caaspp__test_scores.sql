{#-
    The CAASPP rows that load: every line of base_caaspp__test_scores without an exclusion
    reason, once (an exact duplicate of an earlier line of the same file is dropped;
    staging_file_reconciliation counts them). Grain: one row per test record (student x test).
-#}

with

base as (
    select * from {{ ref('base_caaspp__test_scores') }}
),

{{ k12_loaded_lines('base') }}

final as (
    select
        source_file,
        school_year,
        source_line_number,
        caaspp_record_type,
        ssid,
        grade_assessed_code,
        lea_code,
        school_code,
        test_start_date,
        test_completed_date,
        condition_code,
        include_indicator,
        scale_score,
        achievement_level
    from loaded_lines
)

select * from final
