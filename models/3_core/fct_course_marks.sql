with

marks as (
    select * from {{ ref('stg_calpads__course_marks') }}
),

student_ids as (
    select * from {{ ref('int_student_ids_assigned') }}
),

courses as (
    select * from {{ ref('dim_course') }}
),

letter_grades as (
    select * from {{ ref('letter_grades') }}
),

final as (
    select
        {{ k12_surrogate_key(['marks.lea_code', 'marks.school_code', 'marks.school_year', 'marks.ssid', 'marks.course_section_id', 'marks.academic_term_code']) }} as course_mark_id,
        {{ k12_fact_keys('student_ids.student_id', 'marks') }},
        courses.course_section_key,
        marks.course_section_id,
        marks.academic_term_code,
        courses.state_course_code,
        courses.content_area_code,
        courses.is_core_course,
        courses.is_advanced_placement,
        courses.ag_area_code,
        marks.final_mark,
        letter_grades.grade_points,
        coalesce(letter_grades.is_letter_grade, false) as is_letter_grade,
        coalesce(letter_grades.is_a_or_b, false) as is_a_or_b,
        coalesce(letter_grades.is_c_or_better, false) as is_c_or_better,
        coalesce(letter_grades.is_d_or_f, false) as is_d_or_f,
        coalesce(letter_grades.is_f, false) as is_f,
        marks.credits_attempted,
        marks.credits_earned,
        coalesce(courses.is_uc_csu_approved, false)
            and courses.ag_area_code is not null
            and coalesce(letter_grades.is_c_or_better, false) as earns_ag_credit
    from marks
    inner join student_ids
        on {{ k12_same_student('marks', 'student_ids', student='ssid') }}
    left join courses
        on {{ k12_same_school('marks', 'courses') }}
        and marks.school_year = courses.school_year
        and marks.course_section_id = courses.course_section_id
        and marks.academic_term_code = courses.academic_term_code
    left join letter_grades
        on marks.final_mark = letter_grades.mark
)

select * from final
