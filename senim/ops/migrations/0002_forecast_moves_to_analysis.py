# The analytics centre's Forecast moved to the `analysis` app (issue 12): the table is renamed
# here and the model leaves this app's state; analysis 0001 takes it over without touching data.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("ops", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.AlterModelTable("forecast", "analysis_forecast")],
            state_operations=[migrations.DeleteModel("forecast")],
        )
    ]
