"""The committed SDL is the served schema, and it honours the API contract."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from schema.build import SDL_PATH, export_sdl

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CONTRACT_CHECK = SHARED / "tools" / "contract_check.py"

# The parts of the contract delivered so far (the whole contract once all issues land).
DELIVERED = [
    "Query.me",
    "Query.node",
    "Query.organization",
    "Query.campaigns",
    "Query.currentCampaign",
    "Query.checklistTemplate",
    "Mutation.login",
    "Mutation.logout",
    "Mutation.createOrganization",
    "Mutation.createAccount",
    "Mutation.createCampaign",
    "Mutation.closeCampaign",
    "Mutation.submitSelfCheck",
    "Mutation.assessBranch",
    "Mutation.reviewSelfCheck",
    "Mutation.markNotificationsRead",
    "Node",
    "Viewer",
    "Account",
    "OrgType",
    "Sector",
    "UserError",
    "UserErrorCode",
    "PageInfo",
    "OrganizationEdge",
    "OrganizationConnection",
    "CreateOrganizationInput",
    "OrganizationPayload",
    "CreateAccountInput",
    "AccountPayload",
    "LoginPayload",
    "Organization.id",
    "Organization.name",
    "Organization.type",
    "Organization.sector",
    "Organization.depth",
    "Organization.parent",
    "Organization.ancestors",
    "Organization.children",
    "Organization.branchCount",
    "Organization.rectification",
    "Campaign",
    "CampaignStatus",
    "ChecklistTemplate",
    "ChecklistItem",
    "Rating",
    "RectificationStatus",
    "KeyReason",
    "BranchRectification",
    "SelfCheckSource",
    "ItemRating",
    "SelfCheck",
    "ReviewDecision",
    "Review",
    "Notification",
    "NotificationKind",
    "CreateCampaignInput",
    "CampaignPayload",
    "RatingInput",
    "SubmitSelfCheckInput",
    "AssessBranchInput",
    "ReviewSelfCheckInput",
    "SelfCheckPayload",
    "ReviewPayload",
]


def test_committed_sdl_is_the_served_schema() -> None:
    assert SDL_PATH.read_text(encoding="utf-8") == export_sdl(), (
        "schema/schema.graphql is stale: run `make schema`"
    )


def test_schema_honours_the_contract_for_the_delivered_parts() -> None:
    if not CONTRACT_CHECK.exists():
        pytest.skip(f"the API contract checker is not beside the project ({CONTRACT_CHECK})")
    result = subprocess.run(
        [sys.executable, str(CONTRACT_CHECK), str(SDL_PATH), "--only", ",".join(DELIVERED)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
