from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import roles


def navigation(request):
    """The main navigation: each role sees what it may use, and nothing else."""
    user = getattr(request, "user", None)
    items = [(_("Start"), reverse("portal:home")), (_("Networks"), reverse("portal:catalogue"))]
    if user is not None and user.is_authenticated:
        if roles.is_representative(user):
            items.append((_("Our applications"), reverse("applications:mine")))
            items.append((_("My municipality"), reverse("municipalities:mine")))
            items.append((_("Memberships"), reverse("members:list")))
        if roles.is_network_lead(user):
            items.append((_("My networks"), reverse("leads:network_list")))
            items.append((_("Efficiency models"), reverse("efficiency_models:list")))
        if roles.is_staff_member(user):
            items.append((_("Organisers"), reverse("networks:organizer_list")))
            items.append((_("Municipalities and regions"), reverse("municipalities:list")))
        if roles.is_network_lead(user):
            items.append((_("Representatives"), reverse("accounts:representatives")))
        if roles.is_administrator(user):
            items.append((_("History"), reverse("audit:list")))
        if roles.is_superuser(user):
            items.append((_("Personal data"), reverse("privacy:administration")))
        if user.is_staff:
            items.append((_("Admin"), reverse("admin:index")))
    # The current page's item is the one whose URL is the longest prefix of the path.
    current = request.path
    matches = [url for _label, url in items if url == current or (url != "/" and current.startswith(url))]
    active = max(matches, key=len, default=None)
    return {"nav_items": [{"label": label, "url": url, "active": url == active} for label, url in items]}
