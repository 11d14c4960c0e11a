"""The core, below the apps: what every app and both front doors share (ids, errors,
security, caching, the GraphQL machinery, the response cache, the REST door's shared
pieces).

It imports no app and not the composition (movie_api). Where it needs an app's table,
the settings name it (OAUTH_SCOPE_POLICY, CONTENT_SECURITY_POLICY_PAGES) or it finds it
(operation_docs reads each installed app's api/docs.py). docs/architecture.md draws the
floors; import-linter holds them (pyproject.toml).
"""
