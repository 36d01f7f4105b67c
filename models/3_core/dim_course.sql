with

sections as (
    select * from {{ ref('stg_calpads__course_sections') }}
),

state_courses as (
    select * from {{ ref('state_course_codes') }}
),

instructional_levels as (
    select * from {{ ref('instructional_level_codes') }}
),

terms as (
    select * from {{ ref('academic_terms') }}
),

final as (
    select
        {{ k12_surrogate_key(['sections.lea_code', 'sections.school_code', 'sections.school_year', 'sections.course_section_id', 'sections.academic_term_code']) }} as course_section_key,
        sections.lea_code,
        sections.school_code,
        {{ k12_school_key('sections.lea_code', 'sections.school_code') }} as school_key,
        sections.school_year,
        sections.course_section_id,
        sections.academic_term_code,
        terms.share_of_year as term_share_of_year,
        sections.local_course_id,
        sections.course_name,
        sections.state_course_code,
        state_courses.state_course_name,
        coalesce(state_courses.content_area_code, 'unknown') as content_area_code,
        coalesce(state_courses.is_core_course, false) as is_core_course,
        coalesce(state_courses.is_advanced_placement, false) as is_advanced_placement,
        coalesce(state_courses.is_international_baccalaureate, false) as is_international_baccalaureate,
        coalesce(instructional_levels.is_honors, false) as is_honors,
        coalesce(instructional_levels.is_college_credit, false) as is_college_credit,
        state_courses.math_course_rank,
        coalesce(state_courses.is_algebra_1_or_higher, false) as is_algebra_1_or_higher,
        coalesce(sections.ag_area_code, state_courses.default_ag_area_code) as ag_area_code,
        coalesce(sections.is_uc_csu_approved, false) as is_uc_csu_approved,
        case when sections.teacher_id is not null
            then {{ dbt.hash(dbt.concat(["'" ~ var('k12:pseudonym_salt') ~ "|teacher|'", 'sections.lea_code', "'|'", 'sections.teacher_id'])) }}
        end as teacher_key
    from sections
    left join state_courses
        on sections.state_course_code = state_courses.state_course_code
    left join instructional_levels
        on sections.instructional_level_code = instructional_levels.instructional_level_code
    left join terms
        on sections.academic_term_code = terms.academic_term_code
)

select * from final
