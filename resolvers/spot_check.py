"""Spot checks (抽查核查): find the eligible branches, draw, record; list the draws."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from strawberry.types import Info

from models.campaign import Campaign
from models.errors import RuleError, UserErrorCode
from models.organization import Organization, OrgType, Sector, descendant_range
from models.spot_check import SEED_BITS, SpotCheck, draw, spot_check_ratio, status_filter
from models.workflow import RectificationStatus
from permissions.organization import sees
from resolvers.audit import record
from resolvers.campaign import campaign_or_current, ensure_open
from resolvers.organization import organization_by_global_id
from zhengdun.context import Context
from zhengdun.db import connection, placeholder

Ctx = Info[Context, Any]


@dataclass(frozen=True)
class DrawRequest:
    """What ``drawSpotCheck`` is given (already typed by GraphQL)."""

    organization_id: str
    ratio: float
    sector: Sector | None
    statuses: Sequence[RectificationStatus] | None
    seed: int | None
    campaign_id: str | None


async def eligible_branch_ids(
    organization: Organization,
    campaign: Campaign,
    sector: Sector | None,
    statuses: Sequence[RectificationStatus] | None,
) -> list[int]:
    """Every branch below ``organization`` (one sector, some statuses), in id order.

    One range scan on the path index; the campaign's state rows are joined only to filter
    by status, a branch without a row being NOT_SUBMITTED. Only ids travel.
    """
    conn = connection()
    params: list[Any] = []

    def bind(value: Any) -> str:
        # In the order the marks appear in the statement (SQLite binds "?" by position).
        params.append(value)
        return placeholder(conn, len(params))

    join = ""
    if statuses:
        join = (
            " LEFT JOIN branch_state s ON s.branch_id = o.id "
            f"AND s.campaign_id = {bind(campaign.id)}"
        )
    low, high = descendant_range(organization.path)
    where = [
        f"o.path > {bind(low)}",
        f"o.path < {bind(high)}",
        f"o.type = {bind(OrgType.BRANCH.value)}",
    ]
    if sector is not None:
        where.append(f"o.sector = {bind(sector.value)}")
    if statuses:
        unsubmitted = bind(RectificationStatus.NOT_SUBMITTED.value)
        marks = ", ".join(bind(status.value) for status in statuses)
        where.append(f"COALESCE(s.status, {unsubmitted}) IN ({marks})")
    rows = await conn.execute_query_dict(
        f"SELECT o.id FROM organization o{join} WHERE {' AND '.join(where)} ORDER BY o.id",
        params,
    )
    return [int(row["id"]) for row in rows]


async def _campaign_to_draw_in(info: Ctx, campaign_id: str | None) -> Campaign:
    """A draw is recorded in a campaign, so it is a write: the campaign must be open."""
    campaign = await campaign_or_current(info, campaign_id, ["input", "campaignId"])
    if campaign is None:
        raise RuleError(UserErrorCode.CAMPAIGN_CLOSED, "当前没有进行中的整顿工作，不能抽查。")
    ensure_open(info, campaign)
    return campaign


async def draw_spot_check(info: Ctx, request: DrawRequest) -> SpotCheck:
    """抽查核查: a reproducible sample of the branches below the viewer's organisation."""
    field = ["input", "organizationId"]
    organization = await organization_by_global_id(info, request.organization_id, field)
    if organization.type == OrgType.BRANCH:
        raise RuleError(
            UserErrorCode.INVALID_INPUT, "团支部下没有可抽查的团支部，抽查由上级团组织进行。", field
        )
    ratio = spot_check_ratio(request.ratio)
    campaign = await _campaign_to_draw_in(info, request.campaign_id)
    statuses = status_filter(request.statuses)
    seed = request.seed if request.seed is not None else secrets.randbits(SEED_BITS)
    eligible = await eligible_branch_ids(organization, campaign, request.sector, statuses)
    sample = await info.context.loaders.organization.load_many(draw(eligible, ratio, seed))
    viewer = info.context.viewer
    assert viewer is not None
    spot_check = await SpotCheck.create(
        organization_id=organization.id,
        campaign_id=campaign.id,
        ratio=ratio,
        sector=request.sector,
        statuses=[s.value for s in statuses] if statuses else None,
        seed=seed,
        created_at=info.context.clock.now(),
        created_by_id=viewer.account.id,
        created_by_name=viewer.display_name,
        eligible_count=len(eligible),
        branch_ids=[b.id for b in sorted((b for b in sample if b), key=lambda b: b.path)],
    )
    await record(
        info,
        "drawSpotCheck",
        "SpotCheck",
        spot_check.id,
        {
            "organizationId": organization.id,
            "campaignId": campaign.id,
            "seed": seed,
            "eligibleCount": len(eligible),
            "branchIds": spot_check.branch_ids,
        },
    )
    return spot_check


async def spot_checks_of(
    info: Ctx, organization: Organization, campaign_id: str | None
) -> list[SpotCheck]:
    """The draws made by ``organization`` in the named or current campaign, newest first.

    (choice) With no campaign named and none open today, the list is empty.
    """
    campaign = await campaign_or_current(info, campaign_id, ["campaignId"])
    if campaign is None:
        return []
    return await SpotCheck.filter(
        organization_id=organization.id, campaign_id=campaign.id
    ).order_by("-created_at", "-id")


async def spot_check_for(info: Ctx, pk: int) -> SpotCheck | None:
    """``node(id)``: a draw only for those who see the organisation that made it."""
    viewer = info.context.viewer
    if viewer is None:
        return None
    found = await SpotCheck.get_or_none(id=pk)
    if found is None:
        return None
    organization = await info.context.loaders.organization.load(found.organization_id)
    if organization is None or not sees(viewer.organization, organization):
        return None
    return found
