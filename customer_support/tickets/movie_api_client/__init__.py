"""The one way this project talks to the movie API: GraphQL over HTTP with `requests`.

Read in this order: ``errors`` (what can go wrong, and what each failure means to a caller),
``documents`` (every GraphQL document we send), ``results`` (the answers as frozen
dataclasses), ``client`` (timeouts, retries and the calls the rest of the desk makes).
"""
