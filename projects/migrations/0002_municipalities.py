from django.db import migrations

# This migration once created the first deployment's seven municipalities. The area and its
# members are data now, set up with ``manage.py setup_area FILE.toml`` (0005 completes the rows
# an existing deployment already has); a new database starts without any.


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]
    operations = []
