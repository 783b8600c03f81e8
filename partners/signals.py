"""Partners' reactions to changes in lower apps (clients knows nothing of partners)."""

from __future__ import annotations

from .models import PartnerProfile


def organization_saved(sender, instance, **kwargs) -> None:
    """TD-5: the directory's search reads the org's name and city; keep the profile's copy current."""
    for profile in PartnerProfile.objects.filter(org=instance).select_related("org"):
        profile.org = instance
        fresh = profile.build_search_text()
        if fresh != profile.search_text:
            PartnerProfile.objects.filter(pk=profile.pk).update(search_text=fresh)
