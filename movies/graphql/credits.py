"""A person's filmography on GraphQL: `actor(id) { castCredits crewCredits }`.

Relay connections over the selectors of the REST person detail
(`movies.selectors.person_cast_credits` / `person_crew_credits`, newest movie first).
Each credit's `movie` is the catalog's `Movie` type, loaded with only the columns and
prefetches its selection reads (as a review's movie is), so a page costs a fixed number
of queries whatever its size and whatever the person's number of credits.

The fields answer on the top-level `actor(id)` only: the `Actor` type is also each node
of `allActors` and of a movie's cast, where a page of credits per actor would cost
queries per actor. Elsewhere they are BAD_USER_INPUT naming the field.

A signed-in caller's pages share their rows through the cache, as `allMovies` does
(docs/caching.md, "Signed-in reads"); anonymous answers are stored whole by the response
cache.
"""

import graphene

from core.graphql.auth import current_user
from core.graphql.errors import BadUserInput
from core.graphql.paging import connection_type, page_args, paginate, paginate_shared
from core.graphql.selection import selection
from movies import selectors


def _types():
    # types.py builds the Actor type with the fields below, so it imports this module
    # first: the Movie type and its loaders are looked up when a credit is resolved.
    from movies.graphql import types

    return types


class PersonCastCredit(graphene.ObjectType):
    """A part a person played in a movie."""

    movie = graphene.Field(lambda: _types().Movie, required=True, description="The movie.")
    character = graphene.String(required=True, description="Character's name (may be empty).")
    order = graphene.Int(required=True, description="Billing position, 0 first.")


class PersonCrewCredit(graphene.ObjectType):
    """A job a person held on a movie's crew (TMDB's departments and jobs)."""

    movie = graphene.Field(lambda: _types().Movie, required=True, description="The movie.")
    job = graphene.String(required=True, description="The job, e.g. Director.")
    department = graphene.String(required=True, description="The department, e.g. Directing.")


PersonCastCreditConnection = connection_type(
    PersonCastCredit, "PersonCastCredit", "A page of a person's parts, newest movie first."
)
PersonCrewCreditConnection = connection_type(
    PersonCrewCredit, "PersonCrewCredit", "A page of a person's crew jobs, newest movie first."
)

_SELECTORS = {
    "castCredits": selectors.person_cast_credits,
    "crewCredits": selectors.person_crew_credits,
}


def credits_field(connection, what: str) -> graphene.Field:
    """The `castCredits` / `crewCredits` field of the Actor type."""
    return graphene.Field(
        connection,
        **page_args(),
        resolver=_credits_page,
        description=f"{what}, newest movie first (unknown release dates last). Only on actor(id).",
    )


def _credits_page(root, info, first=None, after=None):
    field = info.field_name
    parent = info.path.prev
    if parent is None or parent.prev is not None or parent.typename != "Query":
        raise BadUserInput(f"{field}: only on actor(id), one person at a time.", field=field)
    types = _types()
    sel = selection(info).child("edges", "node", "movie")
    queryset = _SELECTORS[field](person_id=root.id, movie_columns=types.movie_columns(sel))
    queryset = queryset.prefetch_related(*types.movie_lookups(sel, prefix="movie__", refs=True))

    def prepare(rows):
        types.load_refs([credit.movie for credit in rows], sel)

    if current_user(info) is None:
        page = paginate(queryset, first=first, after=after)
        prepare(page.rows)
    else:
        # The tag says whether the stored rows carry refs: the SQL does not show it.
        page = paginate_shared(
            queryset,
            first=first,
            after=after,
            prepare=prepare,
            tag=f"{field} refs={types.refs_suffice(sel)}",
        )
    types.prime_movie_states(info, [credit.movie for credit in page.rows], sel)
    return page
