"""Template filters of the account pages (sign-in, and the OAuth consent templates)."""

from urllib.parse import urlsplit

from django import template

register = template.Library()


@register.filter
def paired_with(first, second):
    """`a|paired_with:b`: pairs of the two lists, e.g. each requested scope with the
    description the authorization view looked up for it (settings OAUTH2_PROVIDER
    ["SCOPES"]), so the page words no scope of its own."""
    return list(zip(first or (), second or (), strict=False))


@register.filter
def site_of(url) -> str:
    """The host (and port) a URL leads to: where the consent page sends the browser back."""
    try:
        return urlsplit(str(url or "")).netloc
    except ValueError:
        return ""
