from tortoise import migrations
from tortoise.migrations import operations as ops
from models.organization import Sector
from models.workflow import KeyReason, NotificationKind, RectificationStatus, ReviewDecision, SelfCheckSource
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ChecklistTemplate',
            fields=[
                ('id', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=32)),
                ('name', fields.CharField(max_length=200)),
                ('poor_threshold', fields.IntField()),
                ('items', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'checklist_template', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A versioned self-check form: its items as data. Never changed once used.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Campaign',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('year', fields.IntField(unique=True)),
                ('name', fields.CharField(max_length=100)),
                ('starts_on', fields.DateField()),
                ('self_check_deadline', fields.DateField()),
                ('review_deadline', fields.DateField()),
                ('ends_on', fields.DateField()),
                ('bottom_ratio', fields.DecimalField(max_digits=5, decimal_places=4)),
                ('poor_threshold', fields.IntField()),
                ('template', fields.ForeignKeyField('models.ChecklistTemplate', source_field='template_id', db_constraint=True, to_field='id', related_name='campaigns', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_by_name', fields.CharField(max_length=100)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('closed_by_name', fields.CharField(null=True, max_length=100)),
            ],
            options={'table': 'campaign', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One year of the rectification campaign, with dates read in Beijing time.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='BranchState',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('campaign', fields.ForeignKeyField('models.Campaign', source_field='campaign_id', db_constraint=True, to_field='id', related_name='branch_states', on_delete=OnDelete.RESTRICT)),
                ('branch', fields.ForeignKeyField('models.Organization', source_field='branch_id', db_constraint=True, to_field='id', related_name='states', on_delete=OnDelete.RESTRICT)),
                ('branch_path', fields.CharField(max_length=255)),
                ('sector', fields.CharEnumField(description='PARTY_GOVERNMENT_ORGAN: PARTY_GOVERNMENT_ORGAN\nPUBLIC_INSTITUTION: PUBLIC_INSTITUTION\nUNIVERSITY: UNIVERSITY\nVOCATIONAL_SCHOOL: VOCATIONAL_SCHOOL\nHIGH_SCHOOL: HIGH_SCHOOL\nMIDDLE_SCHOOL: MIDDLE_SCHOOL\nPRIMARY_SCHOOL: PRIMARY_SCHOOL\nSTATE_OWNED_ENTERPRISE: STATE_OWNED_ENTERPRISE\nCOLLECTIVE_ENTERPRISE: COLLECTIVE_ENTERPRISE\nNON_PUBLIC_ENTERPRISE: NON_PUBLIC_ENTERPRISE\nSOCIAL_ORGANIZATION: SOCIAL_ORGANIZATION\nMILITARY: MILITARY\nARMED_POLICE: ARMED_POLICE\nURBAN_COMMUNITY: URBAN_COMMUNITY\nRURAL: RURAL\nOTHER: OTHER', enum_type=Sector, max_length=30)),
                ('status', fields.CharEnumField(description='NOT_SUBMITTED: NOT_SUBMITTED\nPENDING_REVIEW: PENDING_REVIEW\nREJECTED: REJECTED\nPASSED: PASSED\nKEY_RECTIFYING: KEY_RECTIFYING\nKEY_PENDING_REVIEW: KEY_PENDING_REVIEW\nRECTIFIED: RECTIFIED\nCARRIED_OVER: CARRIED_OVER', enum_type=RectificationStatus, max_length=20)),
                ('is_key', fields.BooleanField(default=False)),
                ('key_reason', fields.CharEnumField(null=True, description='POOR_THRESHOLD: POOR_THRESHOLD\nREVIEW_DECISION: REVIEW_DECISION\nBOTTOM_SELECTION: BOTTOM_SELECTION\nCARRIED_OVER: CARRIED_OVER', enum_type=KeyReason, max_length=20)),
                ('key_since', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('baseline_self_check_id', fields.IntField(null=True)),
                ('latest_self_check_id', fields.IntField(null=True)),
                ('latest_poor', fields.IntField(null=True)),
                ('latest_fair', fields.IntField(null=True)),
                ('selected_as_bottom', fields.BooleanField(default=False)),
                ('selected_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('selected_by_name', fields.CharField(null=True, max_length=100)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'branch_state', 'app': 'models', 'unique_together': (('campaign', 'branch'),), 'indexes': [Index(fields=['campaign_id', 'branch_path'])], 'pk_attr': 'id', 'table_description': 'The state of one branch in one campaign (the row the workflow updates).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Notification',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organization', fields.ForeignKeyField('models.Organization', source_field='organization_id', db_constraint=True, to_field='id', related_name='notifications', on_delete=OnDelete.RESTRICT)),
                ('campaign_id', fields.IntField(null=True)),
                ('kind', fields.CharEnumField(description='SELF_CHECK_PASSED: SELF_CHECK_PASSED\nSELF_CHECK_REJECTED: SELF_CHECK_REJECTED\nASSESSED_BY_SUPERIOR: ASSESSED_BY_SUPERIOR\nKEY_RECTIFICATION_STARTED: KEY_RECTIFICATION_STARTED\nRECTIFICATION_CONTINUE: RECTIFICATION_CONTINUE\nRECTIFICATION_PASSED: RECTIFICATION_PASSED\nSELECTED_AS_BOTTOM: SELECTED_AS_BOTTOM\nCARRIED_OVER: CARRIED_OVER', enum_type=NotificationKind, max_length=40)),
                ('message', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'notification', 'app': 'models', 'indexes': [Index(fields=['organization_id', 'created_at'])], 'pk_attr': 'id', 'table_description': 'A message to every admin of one organisation (the branch).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='NotificationRead',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('notification', fields.ForeignKeyField('models.Notification', source_field='notification_id', db_constraint=True, to_field='id', related_name='reads', on_delete=OnDelete.RESTRICT)),
                ('account_id', fields.IntField()),
                ('read_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'notification_read', 'app': 'models', 'unique_together': (('notification', 'account_id'),), 'pk_attr': 'id', 'table_description': 'One admin account has read one notification.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SelfCheck',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('campaign', fields.ForeignKeyField('models.Campaign', source_field='campaign_id', db_constraint=True, to_field='id', related_name='self_checks', on_delete=OnDelete.RESTRICT)),
                ('branch', fields.ForeignKeyField('models.Organization', source_field='branch_id', db_constraint=True, to_field='id', related_name='self_checks', on_delete=OnDelete.RESTRICT)),
                ('version', fields.IntField()),
                ('source', fields.CharEnumField(description='SELF: SELF\nSUPERIOR: SUPERIOR', enum_type=SelfCheckSource, max_length=10)),
                ('filled_by_id', fields.IntField()),
                ('filled_by_name', fields.CharField(max_length=100)),
                ('submitted_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ratings', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ('poor_count', fields.IntField()),
                ('fair_count', fields.IntField()),
                ('good_count', fields.IntField()),
                ('client_mutation_id', fields.CharField(null=True, max_length=64)),
            ],
            options={'table': 'self_check', 'app': 'models', 'unique_together': (('campaign', 'branch', 'version'), ('campaign', 'branch', 'client_mutation_id')), 'pk_attr': 'id', 'table_description': 'One submitted form, self-check or superior assessment. Never changed.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Review',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('self_check', fields.OneToOneField('models.SelfCheck', source_field='self_check_id', db_constraint=True, to_field='id', related_name='review', on_delete=OnDelete.RESTRICT)),
                ('decision', fields.CharEnumField(description='PASS: PASS\nREJECT: REJECT\nSTART_RECTIFICATION: START_RECTIFICATION\nCONTINUE_RECTIFICATION: CONTINUE_RECTIFICATION', enum_type=ReviewDecision, max_length=30)),
                ('reviewer_id', fields.IntField()),
                ('reviewer_name', fields.CharField(max_length=100)),
                ('reviewed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('comment', fields.TextField(null=True, unique=False)),
            ],
            options={'table': 'review', 'app': 'models', 'pk_attr': 'id', 'table_description': 'The judgement of the direct superior on one form, at most one per form.'},
            bases=['Model'],
        ),
    ]
