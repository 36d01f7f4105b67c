{#-
    A project var, by its current name. A var renamed in a release keeps working under its
    old name for a while: var k12:renamed_vars maps each old name to its new one (the one
    place that lists renames; k12_inquiry reads it too). When a run sets an old name (in
    dbt_project.yml or with --vars), its value is used for the new name, and
    k12_warn_renamed_vars (on-run-start) logs one deprecation line per old name.
-#}
{% macro k12_var(name) -%}
    {%- for old_name, new_name in var('k12:renamed_vars', {}).items() -%}
        {%- if new_name == name and var(old_name, none) is not none -%}
            {{ return(var(old_name)) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(var(name)) }}
{%- endmacro %}

{% macro k12_warn_renamed_vars() -%}
    {%- if execute -%}
        {%- for old_name, new_name in var('k12:renamed_vars', {}).items() -%}
            {%- if var(old_name, none) is not none -%}
                {%- do log("Deprecated: var " ~ old_name ~ " is now " ~ new_name ~ "; its value is used for "
                    ~ new_name ~ ". Rename it in dbt_project.yml or --vars: the old name will stop working in a later release.", info=true) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
