"""Issue 18: room on each page of the stored sets for a row's next version (PostgreSQL only).

The city recompute replaces every student's row; with half of each page kept free, PostgreSQL writes the new version
beside the old one without touching the three indexes (a heap-only update), which halves the write of a recompute
and keeps it from slowing down as dead versions pile up. Rows written before this move to pages with room the first
time they are replaced. SQLite has no such setting.
"""

from django.db import migrations

TABLE = "pathways_studentrecommendation"


def fillfactor(value: int):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE {TABLE} SET (fillfactor = {value})")

    return apply


class Migration(migrations.Migration):
    dependencies = [("pathways", "0016_recompute_runs")]

    operations = [migrations.RunPython(fillfactor(50), fillfactor(100))]
