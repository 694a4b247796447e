import django.core.validators  # noqa: F401
from django.db import migrations, models

import projects.models.area

# The municipalities 0002 created for the first deployment, completed with their reading and
# 全国地方公共団体コード; a deployment whose area was set up otherwise is left as it is.
FIRST_DEPLOYMENT = {
    "yamaguchi": ("やまぐちし", "352039"),
    "ube": ("うべし", "352021"),
    "hagi": ("はぎし", "352047"),
    "hofu": ("ほうふし", "352063"),
    "mine": ("みねし", "352136"),
    "sanyo-onoda": ("さんようおのだし", "352161"),
    "tsuwano": ("つわのちょう", "325015"),
}


def complete(apps, schema_editor):
    Municipality = apps.get_model("projects", "Municipality")
    for slug, (reading, lg_code) in FIRST_DEPLOYMENT.items():
        Municipality.objects.filter(slug=slug, lg_code__isnull=True).update(
            reading=reading, lg_code=lg_code
        )


class Migration(migrations.Migration):
    dependencies = [("projects", "0004_project_created_at")]

    operations = [
        migrations.CreateModel(
            name="Area",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=100, verbose_name="圏域の名称")),
                ("short_name", models.CharField(blank=True, max_length=50, verbose_name="略称")),
                ("council", models.CharField(blank=True, help_text="ページの下に表示します", max_length=150, verbose_name="協議会の名称")),
                ("all_words", models.JSONField(blank=True, default=list, help_text="関係市町の欄でこの語は構成市町すべてを表します (例: 全市町、圏域市町)", verbose_name="全市町を表す語")),
                ("secretariat_name", models.CharField(blank=True, max_length=150, verbose_name="事務局の名称")),
                ("secretariat_address", models.CharField(blank=True, max_length=200, verbose_name="事務局の所在地")),
                ("secretariat_phone", models.CharField(blank=True, max_length=50, verbose_name="事務局の電話")),
                ("secretariat_email", models.EmailField(blank=True, max_length=254, verbose_name="事務局のメール")),
            ],
            options={"verbose_name": "圏域", "verbose_name_plural": "圏域"},
        ),
        migrations.RenameField(model_name="municipality", old_name="code", new_name="slug"),
        migrations.AlterField(
            model_name="municipality",
            name="slug",
            field=models.SlugField(help_text="例: ube", unique=True, verbose_name="URL 用の名前"),
        ),
        migrations.AddField(
            model_name="municipality",
            name="reading",
            field=models.CharField(blank=True, help_text="ひらがな", max_length=40, verbose_name="読み"),
        ),
        migrations.AddField(
            model_name="municipality",
            name="lg_code",
            field=models.CharField(
                blank=True,
                help_text="6 桁、検査数字つき (例: 352039)",
                max_length=6,
                null=True,
                unique=True,
                validators=[projects.models.area.validate_lg_code],
                verbose_name="全国地方公共団体コード",
            ),
        ),
        migrations.AddField(
            model_name="municipality",
            name="retired",
            field=models.BooleanField(default=False, help_text="圏域を離れた市町: それまでの年度のデータには残ります", verbose_name="新しい年度に含めない"),
        ),
        migrations.AddField(
            model_name="projectrow",
            name="municipalities_text",
            field=models.CharField(blank=True, help_text="この行の関係市町の欄の文字どおり (「全市町」など)。空欄なら事業の関係市町", max_length=200, verbose_name="関係市町の表記"),
        ),
        migrations.AddField(
            model_name="projectrow",
            name="municipalities",
            field=models.ManyToManyField(blank=True, help_text="欄の表記が表す市町 (「全市町」はすべての構成市町)", related_name="rows", to="projects.municipality", verbose_name="関係市町"),
        ),
        migrations.RunPython(complete, migrations.RunPython.noop),
    ]
