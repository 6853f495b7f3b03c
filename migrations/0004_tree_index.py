from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0003_template_and_collation')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Organization',
            index=Index(fields=['parent_id', 'path']),
        ),
    ]
