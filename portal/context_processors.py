from django.conf import settings


def fragments(request):
    """`fragment_version`: the first part of every cached template fragment's key, so a
    new release (new templates or translations) never serves a fragment of the old one."""
    return {"fragment_version": settings.FRAGMENT_CACHE_VERSION}
