"""What every resolver and permission sees: the viewer, the loaders, the clock."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date

from starlette.requests import Request

from models.account import Account
from models.campaign import Campaign
from models.organization import Organization
from resolvers.loaders import Loaders
from resolvers.state_cache import StateCache
from resolvers.tree_cache import TreeCache
from zhengdun.clock import Clock
from zhengdun.config import Settings


@dataclass
class Viewer:
    """The logged-in admin: the account, its organisation, and its bearer token."""

    account: Account
    organization: Organization
    session_id: int
    # Read with the bearer token (None where the viewer was made otherwise: a login): the
    # organisation tree's version (migration 0007), and the campaign open on that day.
    tree_version: int | None = None
    open_campaign: tuple[date, Campaign | None] | None = None

    @property
    def display_name(self) -> str:
        """Recorded on everything the viewer fills in (系统会自动获取填报人的姓名)."""
        return self.account.display_name


@dataclass
class Context:
    request: Request | None
    settings: Settings
    clock: Clock
    viewer: Viewer | None
    request_id: str
    tree_cache: TreeCache | None = None  # the worker's (resolvers/tree_cache.py)
    state_cache: StateCache | None = None  # the worker's (resolvers/state_cache.py)
    loaders: Loaders = field(default_factory=Loaders)

    def __post_init__(self) -> None:
        # The viewer's organisation came with the bearer token's row (one statement);
        # most requests are about it, and then need not read it again.
        if self.viewer is not None:
            self.loaders.prime_organizations([self.viewer.organization])
            self.loaders.tree.use(self.tree_cache, self.viewer.tree_version)
            self.loaders.states.use(self.state_cache, self.viewer.tree_version)
            if self.viewer.open_campaign is not None:
                day, campaign = self.viewer.open_campaign
                self.__dict__["today"] = day  # the request's one date: the token's
                self.loaders.workflow.open_campaign.prime(day, campaign)

    @functools.cached_property
    def today(self) -> date:
        """Today in Beijing (``clock.today()``), read once: one date for the whole request."""
        return self.clock.today()
