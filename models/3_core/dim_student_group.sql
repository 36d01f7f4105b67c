with

student_groups as (
    select * from {{ ref('student_groups') }}
),

final as (
    select
        student_group_code,
        student_group_name,
        student_group_category,
        is_informational,
        lea_minimum_n_for_color,
        school_minimum_n_for_color,
        sort_order
    from student_groups
)

select * from final
