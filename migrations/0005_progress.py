from tortoise import migrations
from tortoise.migrations import operations as ops
from models.organization import Sector
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0004_tree_index')]

    initial = False

    operations = [
        ops.CreateModel(
            name='BranchTally',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('org_id', fields.IntField()),
                ('sector', fields.CharEnumField(description='PARTY_GOVERNMENT_ORGAN: PARTY_GOVERNMENT_ORGAN\nPUBLIC_INSTITUTION: PUBLIC_INSTITUTION\nUNIVERSITY: UNIVERSITY\nVOCATIONAL_SCHOOL: VOCATIONAL_SCHOOL\nHIGH_SCHOOL: HIGH_SCHOOL\nMIDDLE_SCHOOL: MIDDLE_SCHOOL\nPRIMARY_SCHOOL: PRIMARY_SCHOOL\nSTATE_OWNED_ENTERPRISE: STATE_OWNED_ENTERPRISE\nCOLLECTIVE_ENTERPRISE: COLLECTIVE_ENTERPRISE\nNON_PUBLIC_ENTERPRISE: NON_PUBLIC_ENTERPRISE\nSOCIAL_ORGANIZATION: SOCIAL_ORGANIZATION\nMILITARY: MILITARY\nARMED_POLICE: ARMED_POLICE\nURBAN_COMMUNITY: URBAN_COMMUNITY\nRURAL: RURAL\nOTHER: OTHER', enum_type=Sector, max_length=30)),
                ('branches', fields.IntField(default=0)),
                ('direct_branches', fields.IntField(default=0)),
                ('units', fields.IntField(default=0)),
            ],
            options={'table': 'branch_tally', 'app': 'models', 'unique_together': (('org_id', 'sector'),), 'pk_attr': 'id', 'table_description': "Branches of one sector in an organisation's subtree, and among its children."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProgressDelta',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('campaign_id', fields.IntField()),
                ('org_id', fields.IntField()),
                ('sector', fields.CharEnumField(description='PARTY_GOVERNMENT_ORGAN: PARTY_GOVERNMENT_ORGAN\nPUBLIC_INSTITUTION: PUBLIC_INSTITUTION\nUNIVERSITY: UNIVERSITY\nVOCATIONAL_SCHOOL: VOCATIONAL_SCHOOL\nHIGH_SCHOOL: HIGH_SCHOOL\nMIDDLE_SCHOOL: MIDDLE_SCHOOL\nPRIMARY_SCHOOL: PRIMARY_SCHOOL\nSTATE_OWNED_ENTERPRISE: STATE_OWNED_ENTERPRISE\nCOLLECTIVE_ENTERPRISE: COLLECTIVE_ENTERPRISE\nNON_PUBLIC_ENTERPRISE: NON_PUBLIC_ENTERPRISE\nSOCIAL_ORGANIZATION: SOCIAL_ORGANIZATION\nMILITARY: MILITARY\nARMED_POLICE: ARMED_POLICE\nURBAN_COMMUNITY: URBAN_COMMUNITY\nRURAL: RURAL\nOTHER: OTHER', enum_type=Sector, max_length=30)),
                ('direct', fields.BooleanField()),
                ('submitted', fields.IntField(default=0)),
                ('key', fields.IntField(default=0)),
                ('selected', fields.IntField(default=0)),
                ('quota_met', fields.IntField(default=0)),
                ('n_pending_review', fields.IntField(default=0)),
                ('n_rejected', fields.IntField(default=0)),
                ('n_passed', fields.IntField(default=0)),
                ('n_key_rectifying', fields.IntField(default=0)),
                ('n_key_pending_review', fields.IntField(default=0)),
                ('n_rectified', fields.IntField(default=0)),
                ('n_carried_over', fields.IntField(default=0)),
            ],
            options={'table': 'progress_delta', 'app': 'models', 'indexes': [Index(fields=['campaign_id', 'org_id'])], 'pk_attr': 'id', 'table_description': 'A signed change of the counts of one organisation, sector and campaign.'},
            bases=['Model'],
        ),
    ]
