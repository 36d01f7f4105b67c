{#-
    English-learner status of each student-year from the ELAS history (all SELA files):
    each status lasts from its start date to the day before the next status starts.
    - is_english_learner: an EL status (english_language_acquisition_statuses.is_english_learner)
      in effect at any time in the school year (Suspension and Chronic Absenteeism rule);
    - is_reclassified_within_lookback: reclassified (RFEP) after June 15 of the year
      var k12:rfep_lookback_years before the school year ends (2024-25: after 2021-06-15)
      and by the end of the year; the Academic indicator counts them with EL;
    - is_long_term_english_learner: an EL in the year who has been one for at least
      var k12:ltel_minimum_days_as_english_learner days (2,557: seven years) at the end of
      the school year, counted from the EL status date or the first US school enrolment
      date (SINF), whichever is earlier (Dashboard accountability definition);
    - elas_code: the status in effect at the end of the school year (or the last before it).
    Grain: one row per LEA x student x school year with an ELAS record by then.
-#}

with

statuses as (
    select distinct lea_code, ssid, elas_code, elas_start_date
    from {{ ref('stg_calpads__english_language_statuses') }}
    where elas_start_date is not null
),

status_codes as (
    select * from {{ ref('english_language_acquisition_statuses') }}
),

student_years as (
    select * from {{ ref('int_student_years_spined') }}
),

demographics as (
    select * from {{ ref('int_student_demographics_latest') }}
),

periods as (
    select
        statuses.*,
        lead(statuses.elas_start_date) over (
            partition by statuses.lea_code, statuses.ssid
            order by statuses.elas_start_date, statuses.elas_code
        ) as next_start_date,
        status_codes.is_english_learner,
        status_codes.is_reclassified
    from statuses
    inner join status_codes
        on statuses.elas_code = status_codes.elas_code
),

first_el as (
    select lea_code, ssid, min(elas_start_date) as english_learner_start_date
    from periods
    where is_english_learner
    group by lea_code, ssid
),

by_year as (
    select
        student_years.lea_code,
        student_years.ssid,
        student_years.school_year,
        periods.elas_code,
        periods.elas_start_date,
        periods.is_english_learner,
        periods.is_reclassified,
        -- a status lasts until the day before the next one starts
        {{ k12_in_effect_during_school_year('periods.elas_start_date', dbt.dateadd('day', -1, 'periods.next_start_date'),
            'student_years.school_year') }} as is_in_effect_during_year,
        row_number() over (
            partition by student_years.lea_code, student_years.ssid, student_years.school_year
            order by periods.elas_start_date desc, periods.elas_code
        ) as recency_rank
    from student_years
    inner join periods
        on {{ k12_same_student('student_years', 'periods', student='ssid') }}
        and periods.elas_start_date <= {{ k12_school_year_end('student_years.school_year') }}
),

summarized as (
    select
        lea_code,
        ssid,
        school_year,
        max(case when is_in_effect_during_year and is_english_learner then 1 else 0 end) = 1 as is_english_learner,
        max(case when is_reclassified then elas_start_date end) as reclassified_date,
        max(case when recency_rank = 1 then elas_code end) as elas_code
    from by_year
    group by lea_code, ssid, school_year
),

clocked as (
    select
        summarized.lea_code,
        summarized.ssid,
        summarized.school_year,
        summarized.elas_code,
        summarized.is_english_learner,
        summarized.reclassified_date,
        coalesce(
            summarized.reclassified_date > {{ k12_make_date("summarized.school_year - " ~ var('k12:rfep_lookback_years'), var('k12:rfep_cutoff_month'), var('k12:rfep_cutoff_day')) }},
            false
        ) as is_reclassified_within_lookback,
        first_el.english_learner_start_date,
        case
            when demographics.initial_us_school_enrollment_date is not null
                and (first_el.english_learner_start_date is null
                    or demographics.initial_us_school_enrollment_date < first_el.english_learner_start_date)
                then demographics.initial_us_school_enrollment_date
            else first_el.english_learner_start_date
        end as english_learner_clock_start_date
    from summarized
    left join first_el
        on {{ k12_same_student('summarized', 'first_el', student='ssid') }}
    left join demographics
        on {{ k12_same_student_year('summarized', 'demographics', student='ssid') }}
),

final as (
    select
        *,
        coalesce(
            is_english_learner
                and {{ dbt.datediff('english_learner_clock_start_date', k12_school_year_end('school_year'), 'day') }}
                    >= {{ var('k12:ltel_minimum_days_as_english_learner') }},
            false
        ) as is_long_term_english_learner
    from clocked
)

select * from final
