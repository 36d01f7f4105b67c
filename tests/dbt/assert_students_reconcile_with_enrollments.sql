{#-
    Every student with a loaded enrolment record in a year is in dim_student that year
    (no-show-only students included, flagged never enrolled), and dim_student has no
    other student-year with an enrolment record. Returns the years whose counts differ.
-#}
with

enrolled as (
    select
        school_year,
        count(distinct {{ dbt.concat(['lea_code', "'|'", 'ssid']) }}) as students_in_senr
    from {{ ref('stg_calpads__enrollments') }}
    group by school_year
),

in_dimension as (
    select
        school_year,
        count(*) as students_in_dim_student
    from {{ ref('dim_student') }}
    where has_enrollment_record
    group by school_year
)

select
    coalesce(enrolled.school_year, in_dimension.school_year) as school_year,
    coalesce(enrolled.students_in_senr, 0) as students_in_senr,
    coalesce(in_dimension.students_in_dim_student, 0) as students_in_dim_student
from enrolled
full outer join in_dimension
    on enrolled.school_year = in_dimension.school_year
where coalesce(enrolled.students_in_senr, 0) <> coalesce(in_dimension.students_in_dim_student, 0)
