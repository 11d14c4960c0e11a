"""The composition, on top of the apps: settings, root URLs, the root GraphQL schema
and the WSGI/ASGI entry points. No app and no core module imports it."""
