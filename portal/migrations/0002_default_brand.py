"""Seed the default brand: what every page shows until a host or an organisation has its own."""

from django.db import migrations


def create_default(apps, schema_editor):
    Brand = apps.get_model("portal", "Brand")
    if not Brand.objects.filter(is_default=True).exists():
        Brand.objects.create(
            is_default=True,
            display_name="CONNECT Support",
            primary_color="#0b5cad",
            accent_color="#1f7a3a",
        )


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]

    operations = [migrations.RunPython(create_default, migrations.RunPython.noop)]
