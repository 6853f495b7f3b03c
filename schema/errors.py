"""``UserError``: how an expected refusal reaches the client, and the query-side error."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError

from models.errors import RuleError
from models.errors import UserErrorCode as UserErrorCodeEnum

UserErrorCode = UserErrorCodeEnum
strawberry.enum(UserErrorCode, name="UserErrorCode", description="业务规则拒绝时的稳定错误码")


@strawberry.type(description="业务规则拒绝了请求(未做任何修改)")
class UserError:
    code: UserErrorCode
    message: str
    field: list[str] | None = strawberry.field(
        default=None, description="Path to the input field at fault, if any."
    )

    @classmethod
    def from_rule(cls, error: RuleError) -> UserError:
        return cls(code=error.code, message=error.message, field=error.field)


def query_error(error: RuleError) -> GraphQLError:
    """A refused query argument (queries have no payload): a GraphQL error with the code."""
    return GraphQLError(error.message, extensions={"code": error.code.value})
