{#-
    The SOFF rows that load: every line of base_calpads__incident_offenses without an exclusion
    reason, once (an exact duplicate of an earlier line of the same file is dropped;
    staging_file_reconciliation counts them). Grain: one row per incident offense (student x incident x offense).
-#}

with

base as (
    select * from {{ ref('base_calpads__incident_offenses') }}
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
        loadable.ssid,
        loadable.local_student_id,
        loadable.incident_id,
        loadable.offense_code,
        loadable.weapon_category_code,
        loadable.referral_reason
    from loadable
    left join duplicate_groups
        on loadable.source_file = duplicate_groups.source_file
        and loadable.row_hash = duplicate_groups.row_hash
    where duplicate_groups.row_hash is null
        or loadable.source_line_number = duplicate_groups.first_source_line_number
)

select * from final
