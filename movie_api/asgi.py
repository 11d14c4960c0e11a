"""ASGI entry point, for servers that want one; WSGI (gunicorn) is the default."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "movie_api.settings.production")

application = get_asgi_application()
