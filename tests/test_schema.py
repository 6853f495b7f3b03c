"""The committed SDL is the served schema, and it honours the API contract."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from schema.build import SDL_PATH, export_sdl

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
# The contract and its checker live in ../shared; copies travel with the project so that
# the check also runs where the project is cloned alone (CI).
VENDORED_CHECK = ROOT / "tools" / "contract_check.py"
VENDORED_CONTRACT = ROOT / "docs" / "contract.graphql"
SHARED_CONTRACT = SHARED / "spec" / "contract.graphql"

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


def test_schema_honours_the_whole_contract() -> None:
    result = subprocess.run(
        [sys.executable, str(VENDORED_CHECK), str(SDL_PATH), str(VENDORED_CONTRACT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("contract: 0 breaches")


def test_the_vendored_contract_is_the_shared_one() -> None:
    if not SHARED_CONTRACT.exists():
        pytest.skip("../shared is not beside this clone; the vendored copy stands in")
    assert VENDORED_CONTRACT.read_text("utf-8") == SHARED_CONTRACT.read_text("utf-8")
