"""The data version every cached page is keyed on (config.caching), held by the
database so that every server process reads the same one: a PostgreSQL sequence
(nextval never waits for a lock, and never goes back), or on SQLite a one-row table."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE SEQUENCE IF NOT EXISTS benchboard_data_version")
    else:
        schema_editor.execute(
            "CREATE TABLE IF NOT EXISTS benchboard_data_version "
            "(id integer PRIMARY KEY, version bigint NOT NULL)"
        )
        schema_editor.execute(
            "INSERT OR IGNORE INTO benchboard_data_version (id, version) VALUES (1, 0)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP SEQUENCE IF EXISTS benchboard_data_version")
    else:
        schema_editor.execute("DROP TABLE IF EXISTS benchboard_data_version")


class Migration(migrations.Migration):
    operations = [migrations.RunPython(create, drop)]
