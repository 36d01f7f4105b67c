"""The short summary `k12 demo` prints: what was built, where, and how long it took."""

from __future__ import annotations

from collections.abc import Callable

from k12_inquiry import project
from k12_inquiry.warehouse import connect


def after_build_steps(paths: project.Paths) -> list[tuple[str, Callable[[], int]]]:
    """Steps that run after `dbt build` in `k12 demo` (reports are added here)."""
    steps: list[tuple[str, Callable[[], int]]] = []
    try:
        from k12_inquiry.reports import demo_steps
    except ImportError:
        return steps
    steps.extend(demo_steps(paths))
    return steps


def build_summary(timings: dict[str, float], paths: project.Paths) -> str:
    warehouse = paths.warehouse
    lines = ["", "k12-inquiry demo: done", f"  warehouse  {warehouse}"]
    with connect(warehouse, read_only=True) as con:
        rows = con.execute("""
            select schema_name, table_name, estimated_size
            from duckdb_tables()
            where schema_name in ('marts', 'reference', 'data_quality')
            order by schema_name, table_name
        """).fetchall()
    by_schema: dict[str, list[str]] = {}
    for schema, name, size in rows:
        by_schema.setdefault(schema, []).append(f"{name} ({size:,})" if schema == "marts" else name)
    marts = by_schema.get("marts", [])
    lines.append(f"  marts      {len(marts)} tables (rows):")
    lines.extend(f"               {entry}" for entry in marts)
    if "reference" in by_schema:
        lines.append(f"  reference  {len(by_schema['reference'])} seed tables (code sets, cut points, contract)")
    reports = paths.reports_dir
    if (reports / "index.html").exists():
        lines.append(f"  reports    {(reports / 'index.html').as_uri()}")
    if (reports / "data-quality" / "index.html").exists():
        lines.append(f"  data docs  {(reports / 'data-quality' / 'index.html').as_uri()} (rows checked and "
                     "quarantined by file and rule: schema data_quality)")
    total = sum(timings.values())
    lines.append("  time       " + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in timings.items())
                 + f"; total {total:.0f} s")
    return "\n".join(lines)
