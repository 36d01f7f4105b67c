{#-
    Every student with a loaded enrolment record in a year is in dim_student that year,
    except a student whose only records are no-shows (never attended: not a student of
    that year). Returns the years where the counts differ.
-#}
with

enrolled as (
    select
        school_year,
        count(distinct {{ dbt.concat(['lea_code', "'|'", 'ssid']) }}) as students_in_senr
    from {{ ref('stg_calpads__enrollments') }}
    group by school_year
),

no_show_only as (
    select
        school_year,
        count(*) as no_show_only_students
    from (
        select school_year, lea_code, ssid
        from {{ ref('int_enrollments_resolved') }}
        group by school_year, lea_code, ssid
        having min(case when is_no_show then 1 else 0 end) = 1
    ) as students
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
    enrolled.school_year,
    enrolled.students_in_senr,
    coalesce(no_show_only.no_show_only_students, 0) as no_show_only_students,
    coalesce(in_dimension.students_in_dim_student, 0) as students_in_dim_student
from enrolled
left join no_show_only
    on enrolled.school_year = no_show_only.school_year
left join in_dimension
    on enrolled.school_year = in_dimension.school_year
where enrolled.students_in_senr
    <> coalesce(no_show_only.no_show_only_students, 0) + coalesce(in_dimension.students_in_dim_student, 0)
