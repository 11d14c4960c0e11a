"""Root GraphQL schema: each app's Query and Mutation merged here."""

import graphene

from diary.graphql.schema import Mutation as DiaryMutation
from discovery.graphql.schema import Query as DiscoveryQuery
from lists.graphql.schema import Mutation as ListsMutation
from lists.graphql.schema import Query as ListsQuery
from movies.graphql.schema import Mutation as MoviesMutation
from movies.graphql.schema import Query as MoviesQuery
from oauth.graphql.schema import Mutation as OAuthMutation
from oauth.graphql.schema import Query as OAuthQuery
from users.graphql.schema import Mutation as UsersMutation


class Query(MoviesQuery, DiscoveryQuery, ListsQuery, OAuthQuery, graphene.ObjectType):
    """Everything a client can read."""


# Fields are listed base last-first: apps, accounts, then lists, the catalog, the diary.
class Mutation(
    DiaryMutation,
    MoviesMutation,
    ListsMutation,
    UsersMutation,
    OAuthMutation,
    graphene.ObjectType,
):
    """Everything a client can change."""


schema = graphene.Schema(query=Query, mutation=Mutation)
