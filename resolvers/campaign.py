"""Campaigns: the one open today, the one a query names; creating and closing them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from strawberry.types import Info

from models.campaign import DEFAULT_TEMPLATE_ID, Campaign, ChecklistTemplate
from models.errors import RuleError, UserErrorCode
from models.organization import clean_name
from models.workflow import (
    CampaignStatus,
    bottom_ratio,
    ensure_campaign_open,
    validate_campaign_dates,
)
from resolvers.audit import record
from resolvers.loaders import MISSING, peek
from schema.ids import decode_id, decode_int_id
from zhengdun.clock import CHINA
from zhengdun.context import Context
from zhengdun.db import connection, is_postgres

Ctx = Info[Context, Any]


async def current_campaign(info: Ctx) -> Campaign | None:
    """The campaign open today (Beijing date), if any. Campaign dates never overlap."""
    campaign = known_current_campaign(info)
    if campaign is MISSING:
        loaders = info.context.loaders.workflow
        campaign = await loaders.open_campaign.load(info.context.today)
        _remember(info, campaign)
    return campaign  # type: ignore[return-value]


def known_current_campaign(info: Ctx) -> Campaign | None | object:
    """:func:`current_campaign` if this request knows it already (it comes with the
    bearer token), else ``MISSING``."""
    campaign = peek(info.context.loaders.workflow.open_campaign, info.context.today)
    if campaign is not MISSING:
        _remember(info, campaign)
    return campaign


def _remember(info: Ctx, campaign: Campaign | None) -> None:
    if campaign is not None:  # fields that name it by id (a payload's) need no query
        info.context.loaders.workflow.campaign.prime(campaign.id, campaign)


async def open_campaign(info: Ctx) -> Campaign:
    """The campaign mutations act on: CAMPAIGN_CLOSED when none is open today."""
    campaign = await current_campaign(info)
    if campaign is None:
        raise RuleError(UserErrorCode.CAMPAIGN_CLOSED, "当前没有进行中的整顿工作，不能修改。")
    return campaign


def ensure_open(info: Ctx, campaign: Campaign) -> None:
    ensure_campaign_open(
        info.context.clock.today(),
        campaign.starts_on,
        campaign.ends_on,
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


# --- Listing, creating and closing campaigns (root admin) --------------------------------

MAX_YEAR_SPAN = (2000, 2100)  # (choice) a sanity range for the campaign year


@dataclass(frozen=True)
class NewCampaign:
    """What ``createCampaign`` is given (already typed by GraphQL)."""

    year: int
    name: str
    starts_on: date
    self_check_deadline: date
    review_deadline: date
    ends_on: date
    template_id: str | None
    bottom_ratio: float
    poor_threshold: int


async def list_campaigns() -> list[Campaign]:
    """Every campaign, newest year first."""
    return await Campaign.all().order_by("-year")


async def checklist_template(
    info: Ctx, template_id: str | None, field: list[str]
) -> ChecklistTemplate:
    """The named template (INVALID_INPUT / NOT_FOUND), or the default one (2019)."""
    if template_id is None:
        pk = DEFAULT_TEMPLATE_ID
    else:
        type_name, pk = decode_id(template_id, field)
        if type_name != "ChecklistTemplate":
            raise RuleError(UserErrorCode.INVALID_INPUT, "ID 不是自检表模板的 ID", field)
    template = await info.context.loaders.workflow.template.load(pk)
    if template is None:
        raise RuleError(UserErrorCode.NOT_FOUND, "自检表模板不存在", field)
    return template


def _stored_ratio(value: float) -> Decimal:
    """0 < ratio ≤ 1 (the rules), with at most four decimals (what the column keeps)."""
    bottom_ratio(value)
    exact = Decimal(str(value))
    if exact != exact.quantize(Decimal("0.0001")):
        raise RuleError(
            UserErrorCode.INVALID_INPUT,
            "后进团支部比例最多保留四位小数。",
            ["input", "bottomRatio"],
        )
    return exact


async def _check_calendar(new: NewCampaign) -> None:
    """One campaign a year, and at most one campaign open on any day."""
    if await Campaign.exists(year=new.year):
        raise RuleError(
            UserErrorCode.ALREADY_EXISTS, f"{new.year} 年的整顿工作已存在。", ["input", "year"]
        )
    overlapping = await Campaign.filter(
        starts_on__lte=new.ends_on, ends_on__gte=new.starts_on
    ).first()
    if overlapping is not None:
        raise RuleError(
            UserErrorCode.INVALID_INPUT,
            f"日期与 {overlapping.year} 年整顿工作（{overlapping.starts_on} 至 "
            f"{overlapping.ends_on}）重叠，同一天只能有一项进行中的整顿工作。",
            ["input", "startsOn"],
        )


async def create_campaign(info: Ctx, new: NewCampaign) -> Campaign:
    """整顿工作: validated, then the branches carried over from the year before start key."""
    from resolvers import carry_over  # it imports the workflow, which imports this module

    name = clean_name(new.name, ["input", "name"])
    low, high = MAX_YEAR_SPAN
    if not low <= new.year <= high:
        raise RuleError(
            UserErrorCode.INVALID_INPUT, f"年度须在 {low} 到 {high} 之间。", ["input", "year"]
        )
    validate_campaign_dates(
        new.starts_on, new.self_check_deadline, new.review_deadline, new.ends_on
    )
    ratio = _stored_ratio(new.bottom_ratio)
    template = await checklist_template(info, new.template_id, ["input", "templateId"])
    item_count = len(template.items)
    if not 1 <= new.poor_threshold <= item_count:
        raise RuleError(
            UserErrorCode.INVALID_INPUT,
            f"较差项阈值须在 1 到 {item_count}（模板条目数）之间。",
            ["input", "poorThreshold"],
        )
    await _lock_calendar()
    await _check_calendar(new)
    viewer = info.context.viewer
    assert viewer is not None
    now = info.context.clock.now()
    campaign = await Campaign.create(
        year=new.year,
        name=name,
        starts_on=new.starts_on,
        self_check_deadline=new.self_check_deadline,
        review_deadline=new.review_deadline,
        ends_on=new.ends_on,
        bottom_ratio=ratio,
        poor_threshold=new.poor_threshold,
        template_id=template.id,
        created_at=now,
        created_by_name=viewer.display_name,
    )
    previous = (
        await Campaign.filter(starts_on__lt=campaign.starts_on).order_by("-starts_on").first()
    )
    started = 0
    if previous is not None:
        started = await carry_over.start_carried_over(info, previous, campaign, "createCampaign")
    await record(
        info,
        "createCampaign",
        "Campaign",
        campaign.id,
        {
            "year": campaign.year,
            "previousCampaignId": previous.id if previous else None,
            "carriedOverStarted": started,
        },
    )
    return campaign


async def close_campaign(info: Ctx, campaign_id: str) -> Campaign:
    """结束整顿工作: unfinished key branches are carried over (列入第二年继续整顿对象)."""
    from resolvers import carry_over  # it imports the workflow, which imports this module

    field = ["campaignId"]
    pk = decode_int_id(campaign_id, "Campaign", field)
    campaign = await Campaign.select_for_update().get_or_none(id=pk)
    if campaign is None:
        raise RuleError(UserErrorCode.NOT_FOUND, "整顿工作不存在", field)
    if campaign.closed_at is not None:
        raise RuleError(
            UserErrorCode.CAMPAIGN_CLOSED,
            f"该整顿工作已于 {campaign.closed_at.astimezone(CHINA):%Y-%m-%d %H:%M} 由 "
            f"{campaign.closed_by_name} 结束。",
            field,
        )
    if campaign.status_on(info.context.clock.today()) == CampaignStatus.UPCOMING:
        raise RuleError(
            UserErrorCode.INVALID_STATE,
            f"该整顿工作将于 {campaign.starts_on} 开始，尚未开始，不能结束。",
            field,
        )
    viewer = info.context.viewer
    assert viewer is not None
    now = info.context.clock.now()
    campaign.closed_at = now
    campaign.closed_by_name = viewer.display_name
    await campaign.save(update_fields=["closed_at", "closed_by_name"])
    carried = await carry_over.carry_over_unfinished(info, campaign, "closeCampaign")
    # Closed only after the next campaign exists: its carried-over branches join it now.
    following = (
        await Campaign.filter(starts_on__gt=campaign.starts_on).order_by("starts_on").first()
    )
    started = 0
    if following is not None and following.closed_at is None:
        started = await carry_over.start_carried_over(info, campaign, following, "closeCampaign")
    await record(
        info,
        "closeCampaign",
        "Campaign",
        campaign.id,
        {
            "carriedOver": carried,
            "startedInCampaignId": following.id if following and started else None,
        },
    )
    return campaign


async def _lock_calendar() -> None:
    """Campaigns are created one at a time, so two overlapping ones cannot both pass.

    SQLite serialises write transactions already; PostgreSQL takes a table lock that
    only other campaign writers wait for (readers are not blocked).
    """
    conn = connection()
    if is_postgres(conn):
        await conn.execute_script("LOCK TABLE campaign IN SHARE ROW EXCLUSIVE MODE")


async def campaign_for_view(info: Ctx, campaign_id: str | None, field: list[str]) -> Campaign:
    """For the superiors' views: the named campaign, else the one open today, else the
    latest that has started (its results stay visible after it ends); NOT_FOUND if none."""
    campaign = await campaign_or_current(info, campaign_id, field)
    if campaign is None:
        campaign = (
            await Campaign.filter(starts_on__lte=info.context.clock.today())
            .order_by("-starts_on")
            .first()
        )
    if campaign is None:
        raise RuleError(UserErrorCode.NOT_FOUND, "尚无整顿工作", field)
    return campaign
