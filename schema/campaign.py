"""GraphQL shape of campaigns and checklist templates."""

from __future__ import annotations

import datetime
from typing import Any

import strawberry
from strawberry.types import Info

from models.campaign import Campaign as CampaignModel
from models.campaign import ChecklistTemplate as TemplateModel
from models.workflow import CampaignStatus as CampaignStatusEnum
from schema.ids import encode_id
from schema.node import Node
from zhengdun.context import Context

Ctx = Info[Context, Any]
CampaignStatus = strawberry.enum(CampaignStatusEnum, name="CampaignStatus", description="整顿工作状态")


@strawberry.type(description="自检表条目")
class ChecklistItem:
    code: str
    category: str
    title: str


@strawberry.type(name="ChecklistTemplate", description="自检表模板(版本化数据)")
class ChecklistTemplate(Node):
    @strawberry.field
    def id(root: TemplateModel) -> strawberry.ID:  # type: ignore[override]
        return strawberry.ID(encode_id("ChecklistTemplate", root.id))

    name: str

    @strawberry.field
    def items(root: TemplateModel) -> list[ChecklistItem]:
        return [ChecklistItem(code=i["code"], category=i["category"], title=i["title"])
                for i in root.items]

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, TemplateModel)


@strawberry.type(name="Campaign", description="整顿工作(每年一次)")
class Campaign(Node):
    @strawberry.field
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

    @strawberry.field(description="结束整顿工作的时间(提前结束时)")
    def closed_at(root: CampaignModel) -> datetime.datetime | None:
        return root.closed_at

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, CampaignModel)
