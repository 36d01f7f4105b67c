{#- The extracts and their base and staging models, for the models and tests that cover all of them. -#}
{% macro k12_staged_extracts() -%}
    {{ return([
        {'extract_code': 'SCHOOLS', 'base': 'base_sis__schools', 'staging': 'stg_sis__schools'},
        {'extract_code': 'SENR', 'base': 'base_calpads__enrollments', 'staging': 'stg_calpads__enrollments'},
        {'extract_code': 'SINF', 'base': 'base_calpads__student_demographics', 'staging': 'stg_calpads__student_demographics'},
        {'extract_code': 'SPRG', 'base': 'base_calpads__program_memberships', 'staging': 'stg_calpads__program_memberships'},
        {'extract_code': 'SPED', 'base': 'base_calpads__special_education_records', 'staging': 'stg_calpads__special_education_records'},
        {'extract_code': 'SELA', 'base': 'base_calpads__english_language_statuses', 'staging': 'stg_calpads__english_language_statuses'},
        {'extract_code': 'STAS', 'base': 'base_calpads__absence_summaries', 'staging': 'stg_calpads__absence_summaries'},
        {'extract_code': 'CRSC', 'base': 'base_calpads__course_sections', 'staging': 'stg_calpads__course_sections'},
        {'extract_code': 'SCSC', 'base': 'base_calpads__course_marks', 'staging': 'stg_calpads__course_marks'},
        {'extract_code': 'SINC', 'base': 'base_calpads__discipline_incidents', 'staging': 'stg_calpads__discipline_incidents'},
        {'extract_code': 'SIRS', 'base': 'base_calpads__incident_results', 'staging': 'stg_calpads__incident_results'},
        {'extract_code': 'SOFF', 'base': 'base_calpads__incident_offenses', 'staging': 'stg_calpads__incident_offenses'},
        {'extract_code': 'CAASPP', 'base': 'base_caaspp__test_scores', 'staging': 'stg_caaspp__test_scores'},
        {'extract_code': 'ATTENDANCE', 'base': 'base_sis__attendance_days', 'staging': 'stg_sis__attendance_days'},
    ]) }}
{%- endmacro %}
