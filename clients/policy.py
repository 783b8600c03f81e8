"""The one policy module: roles → named capabilities (STYLE.md, Sentry's scope_map).

Views and API endpoints ask for a capability (`access.require("members.invite")`),
never for a role. Later features add their capabilities to these tables.
"""

from __future__ import annotations

from .models import Role

# Capabilities a member has in their own org, by role.
_COLLABORATOR = frozenset(
    {
        "org.view",
        "members.view",
        "notifications.view",
        "tokens.manage",
        "products.view",
        "support.view",
        "tenders.request",
    }
)
_ADMINISTRATOR = _COLLABORATOR | {
    "org.edit",
    "org.billing_reference",
    "members.invite",
    "members.remove",
    "members.set_role",
    "audit.view",
    "billing.view",
    "billing.pay",
    "orders.place",
    "products.manage",
    "partnerships.view",
    "clients.view",
    "clients.access",
    "collaborators.manage",
    "directory.edit",
    "support_access.grant",
    "tenders.view",
    "tenders.quote",
    "tenders.award",
    "cashback.view",
}
_LEGAL_REPRESENTATIVE = _ADMINISTRATOR | {
    "members.appoint_legal_rep",
    "partnerships.manage",
    "clients.add",
    "partner.apply",
    "org.change_vat",
}

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.LEGAL_REPRESENTATIVE: frozenset(_LEGAL_REPRESENTATIVE),
    Role.ADMINISTRATOR: frozenset(_ADMINISTRATOR),
    Role.COLLABORATOR: _COLLABORATOR,
}

# Capabilities a partner person has in a client's org while acting for it (PS-12),
# by the collaborator right (PS-13) that grants them. Legal reps and administrators
# of the partner hold every right; the partnership's scope narrows them further.
PARTNER_RIGHT_CAPABILITIES: dict[str, frozenset[str]] = {
    # Not "org.view": the client's details and settings (register and VAT numbers, invoice note,
    # terms) are never shown to partner people (PS-12); the banner names the client.
    "view": frozenset({"products.view"}),
    "manage_products": frozenset({"products.manage"}),
    "order": frozenset({"orders.place"}),
    "billing": frozenset({"billing.view", "billing.pay"}),
}


def capabilities_for_role(role: str) -> frozenset[str]:
    return ROLE_CAPABILITIES.get(role, frozenset())


def all_capabilities() -> frozenset[str]:
    out: set[str] = set()
    for caps in ROLE_CAPABILITIES.values():
        out |= caps
    for caps in PARTNER_RIGHT_CAPABILITIES.values():
        out |= caps
    return frozenset(out)
