{#-
    Days expected, attended and absent per student, school and year, from two sources
    side by side (measure_source): the CALPADS absence summary (STAS), and the same
    measures counted from daily attendance for every year that has it (so the current
    year can be followed before STAS exists, and the two can be reconciled).
    Absence days for chronic absenteeism (Dashboard): out-of-school suspension + excused
    + unexcused + non-ADA independent study; in-school suspension is not an absence.
    In a daily refresh only the daily-attendance measures of the latest school year are
    recomputed (incremental by school year and measure source).
-#}

{{ k12_refreshed_by_school_year(pre_hook="{{ k12_delete_refreshed_years(daily_attendance_only=true) }}") }}

with

absence_summaries as (
    select * from {{ ref('stg_calpads__absence_summaries') }}
),

student_ids as (
    select * from {{ ref('int_student_ids_assigned') }}
),

daily as (
    select * from {{ ref('fct_daily_attendance') }}
    {%- if is_incremental() %}
    where {{ k12_in_daily_refresh_years('school_year') }}
    {%- endif %}
),

from_stas as (
    select
        student_ids.student_id,
        absence_summaries.lea_code,
        absence_summaries.school_code,
        absence_summaries.school_year,
        'stas' as measure_source,
        coalesce(absence_summaries.is_exempt_from_absence_summary, false) as is_exempt_from_absence_summary,
        absence_summaries.expected_attendance_days,
        absence_summaries.days_attended_in_person,
        absence_summaries.days_in_school_suspension,
        absence_summaries.days_absent_out_of_school_suspension,
        absence_summaries.days_absent_excused,
        absence_summaries.days_absent_unexcused,
        absence_summaries.days_independent_study_non_ada,
        coalesce(absence_summaries.days_independent_study_ada, 0) as days_independent_study_ada
    from absence_summaries
    inner join student_ids
        on {{ k12_same_student('absence_summaries', 'student_ids', student='ssid') }}
),

from_daily as (
    select
        student_id,
        lea_code,
        school_code,
        school_year,
        'daily_attendance' as measure_source,
        false as is_exempt_from_absence_summary,
        cast(count(*) as double) as expected_attendance_days,
        cast(sum(case when attendance_category = 'present' then 1 else 0 end) as double) as days_attended_in_person,
        cast(sum(case when is_in_school_suspension then 1 else 0 end) as double) as days_in_school_suspension,
        cast(sum(case when is_out_of_school_suspension then 1 else 0 end) as double) as days_absent_out_of_school_suspension,
        cast(sum(case when is_excused_absence then 1 else 0 end) as double) as days_absent_excused,
        cast(sum(case when is_unexcused_absence then 1 else 0 end) as double) as days_absent_unexcused,
        cast(sum(case when attendance_category = 'independent_study_non_ada' then 1 else 0 end) as double) as days_independent_study_non_ada,
        cast(sum(case when attendance_category = 'independent_study_ada' then 1 else 0 end) as double) as days_independent_study_ada
    from daily
    group by student_id, lea_code, school_code, school_year
),

combined as (
    {%- if not is_incremental() %}
    select * from from_stas
    union all
    {%- endif %}
    select * from from_daily
),

final as (
    select
        {{ k12_surrogate_key(['student_id', 'school_code', 'school_year', 'measure_source']) }} as attendance_summary_id,
        {{ k12_fact_keys('student_id') }},
        measure_source,
        is_exempt_from_absence_summary,
        expected_attendance_days,
        days_attended_in_person,
        days_in_school_suspension,
        days_absent_out_of_school_suspension,
        days_absent_excused,
        days_absent_unexcused,
        days_independent_study_non_ada,
        days_independent_study_ada,
        days_absent_out_of_school_suspension + days_absent_excused + days_absent_unexcused
            + days_independent_study_non_ada as absence_days_for_chronic_absenteeism,
        case when expected_attendance_days > 0 then
            (days_absent_out_of_school_suspension + days_absent_excused + days_absent_unexcused
                + days_independent_study_non_ada) / expected_attendance_days
        end as absence_rate
    from combined
)

select * from final
