"""Template helpers of the support feature: the support widget and help-article bodies."""

from __future__ import annotations

from django import template
from django.utils.html import escape, urlize
from django.utils.safestring import SafeString, mark_safe

from clients.tenancy import acting

register = template.Library()


@register.simple_tag(takes_context=True)
def support_widget_data(context) -> dict | None:
    """SP-1/SP-2: the user's support code and the acting org's VIP code, for the widget."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    cached = getattr(request, "_support_widget_data", None)
    if cached is not None:  # the widget and the dashboard card both ask
        return cached
    from tickets import selectors

    access = acting(request)
    org = access.org if access is not None and not access.is_acting_for_client else None
    data = {
        "facts": selectors.support_facts_for(user=user, org=org),
        "can_open_support": access is not None and access.can("support.view"),
    }
    request._support_widget_data = data
    return data


def _render_block(lines: list[str]) -> list[str]:
    """One blank-line-separated block → paragraphs (lines joined by <br>) and '- ' lists."""
    out: list[str] = []
    para: list[str] = []
    items: list[str] = []
    for line in lines:
        is_item = line.startswith("- ")
        if is_item and para:
            out.append("<p>" + "<br>".join(para) + "</p>")
            para = []
        if not is_item and items:
            out.append("<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
            items = []
        text = urlize(escape(line[2:] if is_item else line), nofollow=True, autoescape=False)
        (items if is_item else para).append(text)
    if para:
        out.append("<p>" + "<br>".join(para) + "</p>")
    if items:
        out.append("<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
    return out


@register.filter
def help_body(text: str) -> SafeString:
    """Plain text → HTML, safely: escape first, then paragraphs, '- ' lists and links."""
    html: list[str] = []
    for block in (text or "").replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        html.extend(_render_block(lines))
    return mark_safe("\n".join(html))  # noqa: S308 — every piece was escaped above
