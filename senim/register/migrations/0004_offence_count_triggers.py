"""Install the triggers that keep OffenceDaily / OffenceMonthly equal to the offence table.

The SQL lives in senim.register.counts (its docstring says how each database does it); the
counts of offences already stored are rebuilt once here.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from senim.register import counts

    counts.install(schema_editor.connection)
    counts.rebuild(using=schema_editor.connection.alias)


def backwards(apps, schema_editor):
    from senim.register import counts

    counts.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("register", "0003_offence_counts")]
    operations = [migrations.RunPython(forwards, backwards)]
