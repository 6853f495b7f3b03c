"""Campaign look-ups: the campaign open today, and the one a query names."""

from __future__ import annotations

from typing import Any

from strawberry.types import Info

from models.campaign import Campaign
from models.errors import RuleError, UserErrorCode
from models.workflow import CampaignStatus, ensure_campaign_open
from schema.ids import decode_int_id
from zhengdun.context import Context

Ctx = Info[Context, Any]


async def current_campaign(info: Ctx) -> Campaign | None:
    """The campaign open today (Beijing date), if any. Campaign dates never overlap."""
    today = info.context.clock.today()
    candidates = await Campaign.filter(starts_on__lte=today, ends_on__gte=today, closed_at=None)
    return candidates[0] if candidates else None


async def open_campaign(info: Ctx) -> Campaign:
    """The campaign mutations act on: CAMPAIGN_CLOSED when none is open today."""
    campaign = await current_campaign(info)
    if campaign is None:
        raise RuleError(UserErrorCode.CAMPAIGN_CLOSED, "当前没有进行中的整顿工作，不能修改。")
    return campaign


def ensure_open(info: Ctx, campaign: Campaign) -> None:
    ensure_campaign_open(
        info.context.clock.today(), campaign.starts_on, campaign.ends_on,
        campaign.closed_at is not None,
    )


async def campaign_or_current(
    info: Ctx, campaign_id: str | None, field: list[str]
) -> Campaign | None:
    """The named campaign (INVALID_INPUT / NOT_FOUND), or the current one when unnamed."""
    if campaign_id is None:
        return await current_campaign(info)
    campaign = await Campaign.get_or_none(id=decode_int_id(campaign_id, "Campaign", field))
    if campaign is None:
        raise RuleError(UserErrorCode.NOT_FOUND, "整顿工作不存在", field)
    return campaign


def is_open(info: Ctx, campaign: Campaign) -> bool:
    return campaign.status_on(info.context.clock.today()) == CampaignStatus.OPEN
