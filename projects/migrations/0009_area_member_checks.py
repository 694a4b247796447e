import projects.models.area
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("projects", "0008_public_site"),
    ]

    operations = [
        migrations.AlterField(
            model_name='area',
            name='council',
            field=models.CharField(blank=True, help_text='ページの下とオープンデータの出典に表示します', max_length=150, verbose_name='協議会の名称'),
        ),
        migrations.AlterField(
            model_name='municipality',
            name='lg_code',
            field=models.CharField(blank=True, help_text='6 桁、検査数字つき', max_length=6, null=True, unique=True, validators=[projects.models.area.validate_lg_code], verbose_name='全国地方公共団体コード'),
        ),
        migrations.AlterField(
            model_name='municipality',
            name='name',
            field=models.CharField(max_length=20, unique=True, validators=[projects.models.area.validate_cell_word], verbose_name='名称'),
        ),
        migrations.AlterField(
            model_name='municipality',
            name='reading',
            field=models.CharField(blank=True, help_text='ひらがな (カタカナも可)', max_length=40, validators=[projects.models.area.validate_reading], verbose_name='読み'),
        ),
        migrations.AlterField(
            model_name='municipality',
            name='retired',
            field=models.BooleanField(default=False, help_text='圏域を離れた市町: その市町が出てくる年度のデータには残り、新しい年度 (次年度の作成、取込の「全市町」) には含めません', verbose_name='新しい年度に含めない'),
        ),
        migrations.AlterField(
            model_name='municipality',
            name='slug',
            field=models.SlugField(help_text='半角の英小文字・数字・ハイフン (市町のページの URL になります)', unique=True, verbose_name='URL 用の名前'),
        ),
    ]
