"""Built-in report writers (installed as ``configscan.reports``) and their jinja2 templates."""
