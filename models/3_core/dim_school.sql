with

directory as (
    select * from {{ ref('stg_sis__schools') }}
),

school_enrollments as (
    select * from {{ ref('int_school_enrollments_summarized') }}
),

school_types as (
    select * from {{ ref('school_types') }}
),

lea_types as (
    select * from {{ ref('lea_types') }}
),

latest_directory as (
    select
        substring(cds_code, 1, 7) as lea_code,
        substring(cds_code, 8, 7) as school_code,
        cds_code,
        school_name,
        district_name,
        school_type_code,
        low_grade_level_code,
        high_grade_level_code,
        lea_type_code,
        row_number() over (
            partition by cds_code order by school_year desc, source_line_number desc
        ) as recency_rank
    from directory
),

enrolled_schools as (
    select
        lea_code,
        school_code,
        min(school_year) as first_school_year_with_enrollment,
        max(school_year) as last_school_year_with_enrollment
    from school_enrollments
    group by lea_code, school_code
),

all_schools as (
    select lea_code, school_code from latest_directory where recency_rank = 1
    union
    select lea_code, school_code from enrolled_schools
),

final as (
    select
        {{ k12_school_key('all_schools.lea_code', 'all_schools.school_code') }} as school_key,
        all_schools.lea_code,
        all_schools.school_code,
        coalesce(latest_directory.cds_code, {{ dbt.concat(['all_schools.lea_code', 'all_schools.school_code']) }}) as cds_code,
        coalesce(latest_directory.school_name, {{ dbt.concat(["'School '", 'all_schools.school_code']) }}) as school_name,
        latest_directory.district_name,
        coalesce(latest_directory.school_type_code, 'unknown') as school_type_code,
        coalesce(school_types.school_type_name, 'Unknown (not in the school directory)') as school_type_name,
        latest_directory.low_grade_level_code,
        latest_directory.high_grade_level_code,
        coalesce(latest_directory.lea_type_code, 'unknown') as lea_type_code,
        lea_types.lea_type_name,
        latest_directory.cds_code is not null as is_in_school_directory,
        enrolled_schools.first_school_year_with_enrollment,
        enrolled_schools.last_school_year_with_enrollment
    from all_schools
    left join latest_directory
        on {{ k12_same_school('all_schools', 'latest_directory') }}
        and latest_directory.recency_rank = 1
    left join enrolled_schools
        on {{ k12_same_school('all_schools', 'enrolled_schools') }}
    left join school_types
        on latest_directory.school_type_code = school_types.school_type_code
    left join lea_types
        on latest_directory.lea_type_code = lea_types.lea_type_code
)

select * from final
