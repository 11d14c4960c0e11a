"""The /graphql/ endpoint (the GraphQL issue hardens this view)."""

from django.conf import settings
from django.views.decorators.csrf import csrf_exempt
from graphene_django.views import GraphQLView

graphql_view = csrf_exempt(GraphQLView.as_view(graphiql=settings.GRAPHQL_GRAPHIQL))
