"""Message text as plain text: HTML escaped, line breaks kept, web links made
clickable but safe (rel="nofollow noopener noreferrer", opening a new tab)."""

from django import template
from django.utils.html import urlize
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import normalize_newlines

register = template.Library()


@register.filter
def message_text(value: str) -> SafeString:
    # urlize escapes everything that is not a link (autoescape=True) and only
    # links http(s)://, www. and email addresses: a "javascript:" text stays text.
    html = urlize(normalize_newlines(value or ""), nofollow=True, autoescape=True)
    html = html.replace('rel="nofollow"', 'rel="nofollow noopener noreferrer" target="_blank"')
    # Escaped above, so adding <br> is safe (bandit B308/B703 reviewed).
    return mark_safe(html.replace("\n", "<br>"))  # nosec B308, B703
