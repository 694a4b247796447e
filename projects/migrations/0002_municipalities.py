from django.db import migrations

MUNICIPALITIES = [
    ("yamaguchi", "山口市"),
    ("ube", "宇部市"),
    ("hagi", "萩市"),
    ("hofu", "防府市"),
    ("mine", "美祢市"),
    ("sanyo-onoda", "山陽小野田市"),
    ("tsuwano", "津和野町"),
]


def create(apps, schema_editor):
    Municipality = apps.get_model("projects", "Municipality")
    for order, (code, name) in enumerate(MUNICIPALITIES, start=1):
        Municipality.objects.update_or_create(code=code, defaults={"name": name, "order": order})


def remove(apps, schema_editor):
    apps.get_model("projects", "Municipality").objects.filter(
        code__in=[c for c, _ in MUNICIPALITIES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
