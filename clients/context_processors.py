from .tenancy import acting as acting_access
from .tenancy import user_memberships


def acting(request):
    """Template context: the acting org and the orgs the user can switch to."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"acting": None, "my_memberships": []}

    def memberships():
        return user_memberships(request)

    return {"acting": acting_access(request), "my_memberships": memberships}
