"""The GraphQL door of an operation (core/operations.py): a mutation names it, once.

    class TokenAuth(OperationMutation):
        class Meta:
            name = "TokenAuthPayload"
            operation = users_ops.LOGIN

The view reads the class's `operation` (core/graphql/policy.py: transaction and
credentials; core/graphql/rates.py: the per-address limit, counted with the
request's general limit in one store call); `mutate` runs only after the caller passed
the operation's sign-in check and its per-address limit.
"""

import graphene
from graphene.utils.get_unbound_function import get_unbound_function

from core.graphql.auth import require_user
from core.graphql.rates import check_throttle
from core.operations import Operation


class OperationMutation(graphene.Mutation):
    """A graphene Mutation doing the operation its Meta names (`operation = ...`).

    A signed-in operation counts against its limit only callers who are signed in, as
    DRF checks permissions before throttles; `mutate` may then read `info.context.user`
    as the caller.
    """

    operation: Operation

    class Meta:
        abstract = True

    @classmethod
    def __init_subclass_with_meta__(cls, operation: Operation, **options):
        cls.operation = operation
        mutate = get_unbound_function(cls.mutate)

        def guarded(root, info, **arguments):
            # Read from the class, as the view does, so the two cannot disagree.
            described = cls.operation
            if described.signed_in:
                require_user(info)
            if described.scope:
                check_throttle(info, described)
            return mutate(root, info, **arguments)

        super().__init_subclass_with_meta__(resolver=guarded, **options)
