from .models import Membership
from .tenancy import acting as acting_access


def acting(request):
    """Template context: the acting org and the orgs the user can switch to."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"acting": None, "my_memberships": []}

    def memberships():
        return list(Membership.objects.filter(user=user).select_related("org").order_by("org__name"))

    return {"acting": acting_access(request), "my_memberships": memberships}
