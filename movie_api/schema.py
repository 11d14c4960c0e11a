"""Root GraphQL schema: each app's Query and Mutation merged here."""

import graphene

from movies.graphql.schema import Mutation as MoviesMutation
from movies.graphql.schema import Query as MoviesQuery
from users.graphql.schema import Mutation as UsersMutation
from users.graphql.schema import Query as UsersQuery


class Query(MoviesQuery, UsersQuery, graphene.ObjectType):
    """Everything a client can read."""


class Mutation(MoviesMutation, UsersMutation, graphene.ObjectType):
    """Everything a client can change."""


schema = graphene.Schema(query=Query, mutation=Mutation)
