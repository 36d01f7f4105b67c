{#-
    The enrolments the per-student indicators count, at each entity they report: a student
    counts at every school of the year (int_school_enrollments_summarized: that school's
    grade and flags) and once in the LEA (int_lea_enrollments_summarized: the primary
    school's grade, the flags over all schools; school_code NULL). A measured model filters
    these rows by its population rule and joins a student's records to them with
    k12_same_student_year and k12_counts_at_entity.
    Grain: one row per entity (school or LEA) x student x school year.
-#}

with

school_enrollments as (
    select * from {{ ref('int_school_enrollments_summarized') }}
),

lea_enrollments as (
    select * from {{ ref('int_lea_enrollments_summarized') }}
),

final as (
    select 'school' as entity_type, lea_code, school_code, student_id, school_year,
        grade_level_code, is_cumulatively_enrolled, is_enrolled_on_census_day
    from school_enrollments

    union all

    select 'lea' as entity_type, lea_code, cast(null as {{ dbt.type_string() }}) as school_code, student_id, school_year,
        grade_level_code, is_cumulatively_enrolled, is_enrolled_on_census_day
    from lea_enrollments
)

select * from final
