{#-
    The rows of the state's Dashboard files, typed: numbers as doubles (an asterisk, CDE's
    privacy mark, or a blank is NULL), levels and colour as integers, flags as booleans, the
    student group without spaces ('LT EL' is LTEL) and in upper case.
-#}

with

dashboard_files as (
    select * from {{ source('cde_dashboard', 'dashboard_files') }}
),

final as (
    select
        source_file,
        source_line_number,
        indicator_code,
        reporting_year,
        cds as cds_code,
        upper(rtype) as record_type,
        substring(cds, 1, 7) as lea_code,
        case when upper(rtype) = 'S' then substring(cds, 8, 7) end as school_code,
        schoolname as school_name,
        districtname as district_name,
        upper(type) as type_code,
        upper(replace(studentgroup, ' ', '')) as student_group_code,
        {{ k12_to_number('currnumer') }} as current_numerator,
        {{ k12_to_number('currdenom') }} as current_denominator,
        {{ k12_to_number('currstatus') }} as current_status,
        {{ k12_to_number('priornumer') }} as prior_numerator,
        {{ k12_to_number('priordenom') }} as prior_denominator,
        {{ k12_to_number('priorstatus') }} as prior_status,
        {{ k12_to_number('change') }} as change_value,
        {{ k12_to_number('statuslevel', 'integer') }} as status_level,
        {{ k12_to_number('changelevel', 'integer') }} as change_level,
        {{ k12_to_number('color', 'integer') }} as color_code,
        upper(coalesce(smalldenom, '')) = 'Y' as is_small_denominator,
        upper(coalesce(hscutpoints, '')) = 'Y' as uses_high_school_cut_points
    from dashboard_files
)

select * from final
