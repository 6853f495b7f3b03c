"""GraphQL shape of 重点整顿团支部列表 (``Organization.keyRectificationList``).

The definitions of the counts are those of :mod:`resolvers.key_list`.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from models.errors import RuleError
from models.organization import Organization as OrganizationModel
from resolvers.key_list import KeyBranchRow, key_rectification_list
from schema.errors import query_error
from schema.rectification import BranchRectification, Rectification
from zhengdun.context import Context

Ctx = Info[Context, Any]


@strawberry.type(description="某月完成整改的条目数(不累计)")
class MonthCount:
    month: str = strawberry.field(description="YYYY-MM")
    count: int


@strawberry.type(description="重点整顿团支部列表中的一个团支部")
class KeyRectificationRow:
    row: strawberry.Private[KeyBranchRow]

    @strawberry.field
    def rectification(self) -> BranchRectification:
        row = self.row
        return Rectification(branch=row.branch, campaign=row.campaign, state=row.state)  # type: ignore[return-value]

    @strawberry.field(description="纳入重点整顿时(基准自检表)的较差项数")
    def initial_poor_count(self) -> int:
        return self.row.initial_poor_count

    @strawberry.field(description="最新自检表的较差项数")
    def current_poor_count(self) -> int:
        return self.row.current_poor_count

    @strawberry.field(description="整顿工作的每个月(北京时间)当月完成整改的条目数")
    def monthly(self) -> list[MonthCount]:
        return [MonthCount(month=month, count=count) for month, count in self.row.monthly]


async def organization_key_rectification_list(
    root: OrganizationModel, info: Ctx, campaign_id: strawberry.ID | None = None
) -> list[KeyRectificationRow]:
    """重点整顿团支部列表: direct subordinate key branches (default: the current campaign)."""
    try:
        rows = await key_rectification_list(info, root, campaign_id)
    except RuleError as error:
        raise query_error(error) from None
    return [KeyRectificationRow(row=row) for row in rows]
