import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# WeasyPrint takes over a second to import: a web worker does it as it starts, not on its first PDF (a letter,
# the documentation), which then answered in 1.6 s (bench/slow_actions.py).
import weasyprint  # noqa: E402,F401
