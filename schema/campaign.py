"""GraphQL shape of campaigns and checklist templates."""

from __future__ import annotations

import datetime
from typing import Any

import strawberry
from strawberry.types import Info

from models.campaign import Campaign as CampaignModel
from models.campaign import ChecklistTemplate as TemplateModel
from models.errors import RuleError
from models.workflow import CampaignStatus as CampaignStatusEnum
from permissions import IsAuthenticated, IsRootAdmin, allow
from resolvers import campaign as resolve
from schema.errors import UserError, query_error
from schema.ids import encode_id
from schema.mutation import run_mutation
from schema.node import Node
from zhengdun.context import Context

Ctx = Info[Context, Any]
CampaignStatus = CampaignStatusEnum
strawberry.enum(CampaignStatus, name="CampaignStatus", description="整顿工作状态")


@strawberry.type(description="自检表条目")
class ChecklistItem:
    code: str
    category: str
    title: str


@strawberry.type(name="ChecklistTemplate", description="自检表模板(版本化数据)")
class ChecklistTemplate(Node):
    @strawberry.field  # type: ignore[misc]
    def id(root: TemplateModel) -> strawberry.ID:  # type: ignore[override]
        return strawberry.ID(encode_id("ChecklistTemplate", root.id))

    name: str

    @strawberry.field
    def items(root: TemplateModel) -> list[ChecklistItem]:
        return [
            ChecklistItem(code=i["code"], category=i["category"], title=i["title"])
            for i in root.items
        ]

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, TemplateModel)


@strawberry.type(name="Campaign", description="整顿工作(每年一次)")
class Campaign(Node):
    @strawberry.field  # type: ignore[misc]
    def id(root: CampaignModel) -> strawberry.ID:  # type: ignore[override]
        return strawberry.ID(encode_id("Campaign", root.id))

    year: int
    name: str
    starts_on: datetime.date
    self_check_deadline: datetime.date
    review_deadline: datetime.date
    ends_on: datetime.date

    @strawberry.field
    def bottom_ratio(root: CampaignModel) -> float:
        return float(root.bottom_ratio)

    poor_threshold: int

    @strawberry.field(description="按北京时间的日期判断")
    def status(root: CampaignModel, info: Ctx) -> CampaignStatus:
        return root.status_on(info.context.clock.today())

    @strawberry.field
    async def template(root: CampaignModel, info: Ctx) -> ChecklistTemplate:
        return await info.context.loaders.workflow.template.load(root.template_id)  # type: ignore[return-value]

    @strawberry.field(description="团中央管理员结束整顿工作的时间;未结束为 null")
    def closed_at(root: CampaignModel) -> datetime.datetime | None:
        return root.closed_at

    @strawberry.field(description="结束整顿工作的管理员姓名")
    def closed_by_name(root: CampaignModel) -> str | None:
        return root.closed_by_name

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, CampaignModel)


DEFAULT_BOTTOM_RATIO = 0.2  # 勾选排名后 20%
DEFAULT_POOR_THRESHOLD = 10  # 较差项达到 10 项必须纳入重点整顿 (2019)


@strawberry.input(description="新建整顿工作;日期为北京时间的日期。省略或为 null 的项取默认值")
class CreateCampaignInput:
    year: int
    name: str
    starts_on: datetime.date
    self_check_deadline: datetime.date
    review_deadline: datetime.date
    ends_on: datetime.date
    template_id: strawberry.ID | None = strawberry.field(
        default=None, description="默认为 2019 年版自检表"
    )
    bottom_ratio: float | None = strawberry.field(
        default=DEFAULT_BOTTOM_RATIO, description="0 < 比例 ≤ 1"
    )
    poor_threshold: int | None = strawberry.field(
        default=DEFAULT_POOR_THRESHOLD,
        description="较差项达到该数目必须纳入重点整顿(1 到模板条目数)",
    )


@strawberry.type
class CampaignPayload:
    campaign: Campaign | None = None
    user_errors: list[UserError]


AUTHENTICATED = allow(IsAuthenticated())
ROOT_ADMIN = allow(IsRootAdmin())


@strawberry.type
class CampaignQuery:
    @strawberry.field(extensions=AUTHENTICATED, description="全部整顿工作,年度新的在前")
    async def campaigns(self) -> list[Campaign]:
        return await resolve.list_campaigns()  # type: ignore[return-value]

    @strawberry.field(
        extensions=AUTHENTICATED, description="今天(北京时间)进行中的整顿工作;没有则为 null"
    )
    async def current_campaign(self, info: Ctx) -> Campaign | None:
        return await resolve.current_campaign(info)  # type: ignore[return-value]

    @strawberry.field(
        extensions=AUTHENTICATED, description="自检表模板;省略 id 时为默认模板(2019 年版)"
    )
    async def checklist_template(
        self, info: Ctx, id: strawberry.ID | None = None
    ) -> ChecklistTemplate | None:
        try:
            template = await resolve.checklist_template(info, id, ["id"])
        except RuleError as error:
            if error.code.value == "NOT_FOUND":
                return None
            raise query_error(error) from None
        return template  # type: ignore[return-value]


@strawberry.type
class CampaignMutation:
    @strawberry.mutation(extensions=ROOT_ADMIN, description="新建整顿工作(仅团中央管理员)")
    async def create_campaign(self, info: Ctx, input: CreateCampaignInput) -> CampaignPayload:
        async def action() -> dict[str, Any]:
            new = resolve.NewCampaign(
                year=input.year,
                name=input.name,
                starts_on=input.starts_on,
                self_check_deadline=input.self_check_deadline,
                review_deadline=input.review_deadline,
                ends_on=input.ends_on,
                template_id=input.template_id,
                bottom_ratio=DEFAULT_BOTTOM_RATIO
                if input.bottom_ratio is None
                else input.bottom_ratio,
                poor_threshold=DEFAULT_POOR_THRESHOLD
                if input.poor_threshold is None
                else input.poor_threshold,
            )
            return {"campaign": await resolve.create_campaign(info, new)}

        return await run_mutation(CampaignPayload, action)

    @strawberry.mutation(
        extensions=ROOT_ADMIN,
        description="结束整顿工作(仅团中央管理员):未完成整改的重点团支部列入下一年继续整顿",
    )
    async def close_campaign(self, info: Ctx, campaign_id: strawberry.ID) -> CampaignPayload:
        async def action() -> dict[str, Any]:
            return {"campaign": await resolve.close_campaign(info, campaign_id)}

        return await run_mutation(CampaignPayload, action)
