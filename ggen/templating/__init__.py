"""Template rendering: Jinja2 with a Tera compatibility layer and ggen's filters.

The public surface is :class:`TemplateEngine`; the render stage uses nothing else.
"""

from ggen.templating.engine import QueryFunction, TemplateEngine

__all__ = ["QueryFunction", "TemplateEngine"]
