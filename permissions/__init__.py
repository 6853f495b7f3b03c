"""Field-level permissions: one class, one rule, attached to the field it guards."""

from permissions.base import IsAuthenticated, allow
from permissions.organization import (
    CanManageBelow,
    CanSeeAccount,
    CanSeeBreadcrumb,
    CanSeeOrganization,
    CanSeeTarget,
    IsBranchAdmin,
    IsDirectSuperior,
    IsOrganizationAdmin,
    IsRootAdmin,
)

__all__ = [
    "CanManageBelow",
    "CanSeeAccount",
    "CanSeeBreadcrumb",
    "CanSeeOrganization",
    "CanSeeTarget",
    "IsAuthenticated",
    "IsBranchAdmin",
    "IsDirectSuperior",
    "IsOrganizationAdmin",
    "IsRootAdmin",
    "allow",
]
