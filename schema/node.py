"""The ``Node`` interface: anything with an opaque global ID."""

from __future__ import annotations

import strawberry


@strawberry.interface(description="带全局 ID 的对象")
class Node:
    id: strawberry.ID
