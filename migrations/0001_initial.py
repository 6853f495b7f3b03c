from tortoise import migrations
from tortoise.migrations import operations as ops
from models.organization import OrgType, Sector
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('account_id', fields.IntField(null=True)),
                ('account_name', fields.CharField(max_length=100)),
                ('action', fields.CharField(max_length=50)),
                ('target_type', fields.CharField(max_length=50)),
                ('target_id', fields.CharField(max_length=50)),
                ('details', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('request_id', fields.CharField(max_length=32)),
            ],
            options={'table': 'audit_entry', 'app': 'models', 'indexes': [Index(fields=['target_type', 'target_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LoginAttempt',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('username', fields.CharField(max_length=64)),
                ('attempted_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('succeeded', fields.BooleanField()),
            ],
            options={'table': 'login_attempt', 'app': 'models', 'indexes': [Index(fields=['username', 'attempted_at'])], 'pk_attr': 'id', 'table_description': 'One login attempt per row, kept for the rate limit and the audit.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Organization',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=100)),
                ('type', fields.CharEnumField(description='COMMITTEE: COMMITTEE\nWORKING_COMMITTEE: WORKING_COMMITTEE\nGENERAL_BRANCH: GENERAL_BRANCH\nBRANCH: BRANCH', enum_type=OrgType, max_length=20)),
                ('sector', fields.CharEnumField(description='PARTY_GOVERNMENT_ORGAN: PARTY_GOVERNMENT_ORGAN\nPUBLIC_INSTITUTION: PUBLIC_INSTITUTION\nUNIVERSITY: UNIVERSITY\nVOCATIONAL_SCHOOL: VOCATIONAL_SCHOOL\nHIGH_SCHOOL: HIGH_SCHOOL\nMIDDLE_SCHOOL: MIDDLE_SCHOOL\nPRIMARY_SCHOOL: PRIMARY_SCHOOL\nSTATE_OWNED_ENTERPRISE: STATE_OWNED_ENTERPRISE\nCOLLECTIVE_ENTERPRISE: COLLECTIVE_ENTERPRISE\nNON_PUBLIC_ENTERPRISE: NON_PUBLIC_ENTERPRISE\nSOCIAL_ORGANIZATION: SOCIAL_ORGANIZATION\nMILITARY: MILITARY\nARMED_POLICE: ARMED_POLICE\nURBAN_COMMUNITY: URBAN_COMMUNITY\nRURAL: RURAL\nOTHER: OTHER', enum_type=Sector, max_length=30)),
                ('parent', fields.ForeignKeyField('models.Organization', source_field='parent_id', null=True, db_constraint=True, to_field='id', related_name='children', on_delete=OnDelete.RESTRICT)),
                ('depth', fields.SmallIntField()),
                ('path', fields.CharField(unique=True, max_length=255)),
                ('branch_count', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'organization', 'app': 'models', 'pk_attr': 'id', 'table_description': '团组织: one node of the tree. Branches (团支部) are its leaves.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Account',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('username', fields.CharField(unique=True, max_length=64)),
                ('display_name', fields.CharField(max_length=100)),
                ('organization', fields.ForeignKeyField('models.Organization', source_field='organization_id', db_constraint=True, to_field='id', related_name='accounts', on_delete=OnDelete.RESTRICT)),
                ('password_hash', fields.CharField(max_length=255)),
                ('is_active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'account', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An admin account, belonging to exactly one organisation.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Session',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('account', fields.ForeignKeyField('models.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'session', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A bearer token. Only its SHA-256 is stored, and logout sets revoked_at.'},
            bases=['Model'],
        ),
    ]
