"""API base for org-scoped resources: `/api/v1/orgs/{org}/...`.

The org in the path is resolved once, in `initial()`, into `self.access`
(Sentry's `convert_args`). An org the caller can't reach is a 404; a token
scoped to another org is refused with `token_scope`.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.views import APIView

from portal.errors import RuleViolation

from .models import AccessToken, Organization
from .tenancy import Access, access_for, access_refusal


class OrgScopedMixin:
    #: HTTP method → capability required (Sentry's scope_map). Methods not listed
    #: need only access to the org.
    capability_map: dict[str, str] = {}
    access: Access

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        slug = kwargs.get("org")
        org = Organization.objects.filter(slug=slug).first() if slug else None
        access = access_for(user=request.user, org=org) if org is not None else None
        if access is None:
            raise exceptions.NotFound()
        token = request.auth if isinstance(request.auth, AccessToken) else None
        if token is not None and token.org_id != org.pk and (access.actor_org or access.org).pk != token.org_id:
            raise RuleViolation("token_scope", _("This access token is scoped to another organization."), status=403)
        refusal = access_refusal(access)
        if refusal is not None:
            raise RuleViolation(refusal.code, refusal.message, status=403)
        capability = self.capability_map.get(request.method)
        if capability:
            access.require(capability)
        self.access = access
        request._request.acting = access


class OrgScopedAPIView(OrgScopedMixin, APIView):
    pass
