"""Root GraphQL schema: each app's Query and Mutation merged here."""

import graphene


class Query(graphene.ObjectType):
    ping = graphene.String(description="Placeholder until the app schemas land.")

    def resolve_ping(root, info):
        return "pong"


schema = graphene.Schema(query=Query)
