"""The HTML door of accounts: the API's own sign-in and sign-out pages.

Server-rendered, for browsers: the OAuth 2 / OpenID Connect flow (`/o/authorize/`)
sends a visitor without a session here (settings.LOGIN_URL). Like the REST and GraphQL
doors it decides nothing: `users.services.user_authenticate` checks the credentials,
with the same counters, limits and step-up as the JSON login.
"""
