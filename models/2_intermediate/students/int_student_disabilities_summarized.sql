{#-
    Students with disabilities: a special-education record (primary disability) in effect
    at any time in the school year, or a CAASPP alternate assessment (CAA) taken that year
    (Dashboard rule). The primary disability is the one of the latest record in effect.
    Grain: one row per LEA x student x school year that is SWD.
-#}

with

special_education as (
    select distinct lea_code, ssid, primary_disability_code, special_education_entry_date, special_education_exit_date
    from {{ ref('stg_calpads__special_education_records') }}
),

test_scores as (
    select * from {{ ref('stg_caaspp__test_scores') }}
),

record_types as (
    select * from {{ ref('caaspp_record_types') }}
),

student_years as (
    select * from {{ ref('int_student_years_spined') }}
),

records_in_year as (
    select
        student_years.lea_code,
        student_years.ssid,
        student_years.school_year,
        special_education.primary_disability_code,
        row_number() over (
            partition by student_years.lea_code, student_years.ssid, student_years.school_year
            order by special_education.special_education_entry_date desc, special_education.primary_disability_code
        ) as recency_rank
    from student_years
    inner join special_education
        on {{ k12_same_student('student_years', 'special_education', student='ssid') }}
    where {{ k12_in_effect_during_school_year('special_education.special_education_entry_date',
        'special_education.special_education_exit_date', 'student_years.school_year') }}
),

alternate_assessment_takers as (
    select distinct test_scores.lea_code, test_scores.ssid, test_scores.school_year
    from test_scores
    inner join record_types
        on test_scores.caaspp_record_type = record_types.caaspp_record_type
    where record_types.is_alternate_assessment
),

disability_records as (
    select lea_code, ssid, school_year, primary_disability_code
    from records_in_year
    where recency_rank = 1
),

final as (
    select
        coalesce(disability_records.lea_code, alternate_assessment_takers.lea_code) as lea_code,
        coalesce(disability_records.ssid, alternate_assessment_takers.ssid) as ssid,
        coalesce(disability_records.school_year, alternate_assessment_takers.school_year) as school_year,
        disability_records.primary_disability_code,
        disability_records.ssid is not null as has_special_education_record,
        alternate_assessment_takers.ssid is not null as took_alternate_assessment
    from disability_records
    full outer join alternate_assessment_takers
        on {{ k12_same_student_year('disability_records', 'alternate_assessment_takers', student='ssid') }}
)

select * from final
