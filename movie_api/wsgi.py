"""WSGI entry point (gunicorn movie_api.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "movie_api.settings.production")

application = get_wsgi_application()
