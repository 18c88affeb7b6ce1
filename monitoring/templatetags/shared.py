"""`{% shared seconds key ... %}…{% endshared %}`: a fragment rendered once for everyone whose
keys are equal and kept `seconds` in the cache (0: rendered every time). The incident panel's
rows (templates/monitoring/_panel_body.html) are the same for every NOC operator of one scope
and filters, but for the CSRF token of their forms: the fragment is rendered with a placeholder
in its place, and each answer gets the asker's own token (docs/benchmarks.md)."""

import hashlib

from django import template
from django.core.cache import cache
from django.utils.safestring import SafeString

register = template.Library()

# What `{% csrf_token %}` writes inside a shared fragment, replaced in each answer.
PLACEHOLDER = "shared-fragment-csrf-token"


class SharedNode(template.Node):
    def __init__(self, nodelist, seconds, keys):
        self.nodelist, self.seconds, self.keys = nodelist, seconds, keys

    def render(self, context) -> str:
        seconds = int(self.seconds.resolve(context) or 0)
        if not seconds:
            return self.nodelist.render(context)
        values = repr([key.resolve(context) for key in self.keys])
        name = "shared:" + hashlib.blake2b(values.encode(), digest_size=16).hexdigest()
        fragment = cache.get(name)
        if fragment is None:
            with context.push(csrf_token=PLACEHOLDER):
                fragment = self.nodelist.render(context)
            cache.set(name, fragment, seconds)
        return SafeString(fragment.replace(PLACEHOLDER, str(context.get("csrf_token", ""))))


@register.tag
def shared(parser, token):
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError("{% shared seconds key ... %} needs a key")
    nodelist = parser.parse(("endshared",))
    parser.delete_first_token()
    return SharedNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in bits[2:]]
    )
