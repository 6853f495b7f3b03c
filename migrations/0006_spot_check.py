from tortoise import migrations
from tortoise.migrations import operations as ops
from models.organization import Sector
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0005_progress')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SpotCheck',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organization', fields.ForeignKeyField('models.Organization', source_field='organization_id', db_constraint=True, to_field='id', related_name='spot_checks', on_delete=OnDelete.RESTRICT)),
                ('campaign', fields.ForeignKeyField('models.Campaign', source_field='campaign_id', db_constraint=True, to_field='id', related_name='spot_checks', on_delete=OnDelete.RESTRICT)),
                ('ratio', fields.DecimalField(max_digits=5, decimal_places=4)),
                ('sector', fields.CharEnumField(null=True, description='PARTY_GOVERNMENT_ORGAN: PARTY_GOVERNMENT_ORGAN\nPUBLIC_INSTITUTION: PUBLIC_INSTITUTION\nUNIVERSITY: UNIVERSITY\nVOCATIONAL_SCHOOL: VOCATIONAL_SCHOOL\nHIGH_SCHOOL: HIGH_SCHOOL\nMIDDLE_SCHOOL: MIDDLE_SCHOOL\nPRIMARY_SCHOOL: PRIMARY_SCHOOL\nSTATE_OWNED_ENTERPRISE: STATE_OWNED_ENTERPRISE\nCOLLECTIVE_ENTERPRISE: COLLECTIVE_ENTERPRISE\nNON_PUBLIC_ENTERPRISE: NON_PUBLIC_ENTERPRISE\nSOCIAL_ORGANIZATION: SOCIAL_ORGANIZATION\nMILITARY: MILITARY\nARMED_POLICE: ARMED_POLICE\nURBAN_COMMUNITY: URBAN_COMMUNITY\nRURAL: RURAL\nOTHER: OTHER', enum_type=Sector, max_length=30)),
                ('statuses', fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads)),
                ('seed', fields.IntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_by_id', fields.IntField()),
                ('created_by_name', fields.CharField(max_length=100)),
                ('eligible_count', fields.IntField()),
                ('branch_ids', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
            ],
            options={'table': 'spot_check', 'app': 'models', 'indexes': [Index(fields=['organization_id', 'campaign_id', 'created_at'])], 'pk_attr': 'id', 'table_description': '抽查核查: one recorded draw of branches below an organisation. Never changed.'},
            bases=['Model'],
        ),
    ]
