"""Make the video-evidence ledger append-only in the database itself, like the audit log.

Every UPDATE is refused, and every DELETE except of entries marked `demo`: `senim demo` must be
able to rebuild its synthetic data, and it refuses to when real entries follow demo ones.
"""

from django.db import migrations

MESSAGE = "the video-evidence ledger is append-only"
SQLITE = [
    f"""CREATE TRIGGER safeguards_ledgerentry_no_update BEFORE UPDATE ON safeguards_ledgerentry
       BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER safeguards_ledgerentry_no_delete BEFORE DELETE ON safeguards_ledgerentry
       WHEN NOT OLD.demo BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS safeguards_ledgerentry_no_update",
    "DROP TRIGGER IF EXISTS safeguards_ledgerentry_no_delete",
]
POSTGRES = [
    f"""CREATE FUNCTION safeguards_ledgerentry_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'DELETE' THEN
           IF OLD.demo THEN RETURN OLD; END IF;
         END IF;
         RAISE EXCEPTION '{MESSAGE}';
       END $$""",
    """CREATE TRIGGER safeguards_ledgerentry_append_only BEFORE UPDATE OR DELETE
       ON safeguards_ledgerentry FOR EACH ROW EXECUTE FUNCTION safeguards_ledgerentry_refuse()""",
    """CREATE TRIGGER safeguards_ledgerentry_no_truncate BEFORE TRUNCATE
       ON safeguards_ledgerentry FOR EACH STATEMENT EXECUTE FUNCTION safeguards_ledgerentry_refuse()""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS safeguards_ledgerentry_no_truncate ON safeguards_ledgerentry",
    "DROP TRIGGER IF EXISTS safeguards_ledgerentry_append_only ON safeguards_ledgerentry",
    "DROP FUNCTION IF EXISTS safeguards_ledgerentry_refuse()",
]


def forwards(apps, schema_editor):
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    for statement in statements:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    statements = (
        POSTGRES_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE
    )
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("safeguards", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
