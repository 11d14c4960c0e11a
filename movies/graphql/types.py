"""GraphQL types of the catalog. Ids are plain database ids (`ID` strings), not Relay ids.

Nested lists (genres, actors, cast, crew, reviews) are plain lists read from prefetches the
top-level resolver builds from the selection set (`movie_lookups`), so a page costs a
fixed number of queries whatever its size.
"""

from operator import attrgetter

import graphene
from django.db.models import Prefetch
from graphene.types.resolver import dict_resolver
from graphene.utils.str_converters import to_camel_case

from core.graphql.auth import current_user
from core.graphql.paging import check_first, connection_type
from core.graphql.selection import Selection
from core.versions import DEPRECATIONS, deprecation_used
from movies import selectors, viewer_state
from movies.graphql import credits, discover
from movies.graphql.stats import RATING_DESCRIPTION, RatingStats, ReviewStats
from movies.models import RATING_MAX, RATING_MIN
from movies.models import Genre as GenreModel
from movies.shapes import MOVIE_DETAIL, Field, Kind

DEFAULT_REVIEWS_PER_MOVIE = 10
# Selected sub-fields that an id/name-only related row can answer.
REF_FIELDS = frozenset({"id", "name", "__typename"})


def absolute_url(info, file_field) -> str | None:
    """An uploaded file's absolute URL (as REST returns it), or None."""
    if not file_field:
        return None
    return info.context.build_absolute_uri(file_field.url)


class Genre(graphene.ObjectType):
    """A genre such as Drama."""

    id = graphene.ID(required=True, description="Database id of the genre.")
    name = graphene.String(required=True, description="Name, unique regardless of case.")


class Actor(graphene.ObjectType):
    """A person of the catalog: in movies' casts, their crews, or both."""

    id = graphene.ID(required=True, description="Database id of the actor.")
    name = graphene.String(required=True, description="Full name.")
    birth_date = graphene.Date(description="Date of birth, if known.")
    death_date = graphene.Date(description="Date of death, if any.")
    place_of_birth = graphene.String(required=True, description="Place of birth (may be empty).")
    bio = graphene.String(required=True, description="Short biography (may be empty).")
    photo_url = graphene.String(description="Absolute URL of the photo, if any.")
    imdb_id = graphene.String(description="IMDb person id, e.g. nm0000206.")
    tmdb_id = graphene.Int(description="TMDB person id.")
    known_for_department = graphene.String(
        required=True,
        description="TMDB's department they are known for, e.g. Directing (may be empty).",
    )
    cast_credits = credits.credits_field(credits.PersonCastCreditConnection, "Parts played")
    crew_credits = credits.credits_field(credits.PersonCrewCreditConnection, "Crew jobs")

    @staticmethod
    def resolve_photo_url(root, info):
        return absolute_url(info, root.photo)


class CastMember(graphene.ObjectType):
    """An actor's part in a movie."""

    actor = graphene.Field(Actor, required=True, description="Who plays the part.")
    character = graphene.String(required=True, description="Character's name (may be empty).")
    order = graphene.Int(required=True, description="Billing position, 0 first.")


class CrewMember(graphene.ObjectType):
    """A person's job on a movie's crew (TMDB's departments and jobs)."""

    person = graphene.Field(Actor, required=True, description="Who held the job.")
    job = graphene.String(required=True, description="The job, e.g. Director.")
    department = graphene.String(required=True, description="The department, e.g. Directing.")


class MovieState(graphene.ObjectType):
    """The signed-in caller's own state for a movie (TMDB's account states)."""

    class Meta:
        # viewer_state hands over a dict, not a model.
        default_resolver = dict_resolver

    favorite = graphene.Boolean(required=True, description="On the caller's favorites.")
    watched = graphene.Boolean(required=True, description="On the caller's watched list.")
    watchlist = graphene.Boolean(required=True, description="On the caller's watchlist.")
    rating = graphene.Float(description="The caller's own rating, if they rated it.")
    watch_count = graphene.Int(
        required=True, description="How many times the caller logged a watch (their diary)."
    )
    last_watched_on = graphene.Date(description="The date of the caller's latest logged watch.")


class ReviewAuthor(graphene.ObjectType):
    """The public face of a review's author: no email, no phone."""

    id = graphene.ID(required=True, description="Database id of the user.")
    username = graphene.String(required=True, description="Username.")


class Review(graphene.ObjectType):
    """A user's rating and text for a movie."""

    class Meta:
        description = (
            f"A user's text about a movie with their rating ({RATING_MIN}-{RATING_MAX} in "
            "half steps), the same one rateMovie sets."
        )

    id = graphene.ID(required=True, description="Database id of the review.")
    movie = graphene.Field(lambda: Movie, required=True, description="The movie reviewed.")
    user = graphene.Field(ReviewAuthor, required=True, description="Who wrote it.")
    rating = graphene.Float(required=True, description=RATING_DESCRIPTION)
    text = graphene.String(required=True, description="Review text (may be empty).")
    is_edited = graphene.Boolean(required=True, description="Changed since it was written.")
    created_at = graphene.DateTime(required=True, description="When it was written.")
    updated_at = graphene.DateTime(required=True, description="When it last changed.")


def _movie_reviews(root, info, first=None):
    first = check_first(first, default=DEFAULT_REVIEWS_PER_MOVIE)
    prefetched = getattr(root, "gql_reviews", None)
    if prefetched is not None:
        return prefetched[:first]
    return list(reviews_queryset(None, {"movie": root.id})[:first])


def _movie_my_state(root, info):
    user = current_user(info)
    if user is None:
        return None
    states = movie_states_cache(info)
    if root.id not in states:
        states.update(viewer_state.movie_states_for(user=user, movie_ids=[root.id]))
    return states[root.id]


def _cast(root, info):
    # Each actor (ref or billing-order prefetch) carries its Casting row's values.
    return [
        CastMember(actor=actor, character=actor.character, order=actor.billing_order)
        for actor in selectors.movie_actors(root)
    ]


def _graphql_field(field: Field):
    """The graphene field of a declared field (movies/shapes.py), with its resolver."""
    kind, source = field.kind, field.source
    common = {"description": field.description}
    if not field.null:
        common["required"] = True
    scalars = {
        Kind.ID: graphene.ID,
        Kind.TEXT: graphene.String,
        Kind.INT: graphene.Int,
        Kind.DATE: graphene.Date,
        Kind.DATETIME: graphene.DateTime,
    }
    if kind in scalars:
        if field.graphql_name != source:
            # Its column under another name: graphene's default reads the name.
            read = attrgetter(source)
            common["resolver"] = lambda root, info: read(root)
        return scalars[kind](**common)
    if kind == Kind.YEAR:
        read = attrgetter(source)
        return graphene.Int(resolver=lambda root, info: _year(read(root)), **common)
    if kind == Kind.DECIMAL:
        read = attrgetter(source)
        return graphene.Float(resolver=lambda root, info: _float(read(root)), **common)
    if kind == Kind.FILE:
        read = attrgetter(source)
        return graphene.String(resolver=lambda root, info: absolute_url(info, read(root)), **common)
    if kind == Kind.GENRES:
        return graphene.List(
            graphene.NonNull(Genre),
            resolver=lambda root, info: selectors.movie_genres(root),
            **common,
        )
    if kind == Kind.ACTORS:
        return graphene.List(
            graphene.NonNull(Actor),
            resolver=lambda root, info: selectors.movie_actors(root),
            **common,
        )
    if kind == Kind.CAST:
        return graphene.List(graphene.NonNull(CastMember), resolver=_cast, **common)
    if kind == Kind.CREW:
        return graphene.List(
            graphene.NonNull(CrewMember),
            resolver=lambda root, info: selectors.movie_crew(root),
            **common,
        )
    if kind in (Kind.KEYWORDS, Kind.SIMILAR):
        return discover.FIELDS[kind](common)
    if kind == Kind.REVIEWS:
        return graphene.List(
            graphene.NonNull(Review),
            first=graphene.Int(
                description=f"How many, newest first: {DEFAULT_REVIEWS_PER_MOVIE} by default, "
                "at most 100."
            ),
            resolver=_movie_reviews,
            **common,
        )
    if kind == Kind.RATING_STATS:
        # The movie row's statistics columns: no query.
        return graphene.Field(
            RatingStats,
            resolver=lambda root, info: selectors.movie_rating_stats(movie=root),
            **common,
        )
    if kind == Kind.REVIEW_STATS:
        deprecation = field.deprecation

        def review_stats(root, info):
            deprecation_used(info.context, deprecation)  # Deprecation and Sunset headers
            return selectors.movie_review_stats(movie=root)

        return graphene.Field(
            ReviewStats,
            resolver=review_stats,
            deprecation_reason=DEPRECATIONS[deprecation].reason,
            **common,
        )
    if kind == Kind.MY_STATE:
        return graphene.Field(MovieState, resolver=_movie_my_state, **common)
    raise TypeError(f"No GraphQL field for {field.name!r} of kind {kind!r}.")


def _float(value) -> float | None:
    return None if value is None else float(value)


def _year(value) -> int | None:
    return value.year if value else None


# A movie in the catalog: every field of shapes.MOVIE_DETAIL that GraphQL shows.
Movie = type(graphene.ObjectType)(
    "Movie",
    (graphene.ObjectType,),
    {
        "__doc__": "A movie in the catalog; the rating fields are derived from its reviews.",
        "__module__": __name__,
        **{field.graphql_name: _graphql_field(field) for field in MOVIE_DETAIL.graphql},
    },
)


def movie_states_cache(info) -> dict:
    """Per-request cache of `movie_states_for` results, filled once per page."""
    cache = getattr(info.context, "_gql_movie_states", None)
    if cache is None:
        cache = {}
        info.context._gql_movie_states = cache
    return cache


def prime_movie_states(info, movies, sel: Selection, *, unseen: bool = False) -> None:
    """Load myState for a whole page in one call (3 queries) when it is selected, or
    none when the caller is known never to have rated, listed or logged the movies
    (`unseen`, as a caller's recommendations: their state is the blank one)."""
    user = current_user(info)
    if user is None or "myState" not in sel:
        return
    missing = [movie.id for movie in movies if movie.id not in movie_states_cache(info)]
    if not missing:
        return
    if unseen:
        states = viewer_state.untouched_states(missing)
    else:
        states = viewer_state.movie_states_for(user=user, movie_ids=missing)
    movie_states_cache(info).update(states)


def reviews_queryset(sel: Selection | None, filters: dict | None = None):
    """`review_list(filters)` (author and movie joined) plus what a nested movie selects."""
    queryset = selectors.review_list(filters=filters or {})
    if sel is not None and "movie" in sel:
        lookups = movie_lookups(sel.child("movie"), prefix="movie__", refs=True)
        queryset = queryset.prefetch_related(*lookups)
    return queryset


def refs_suffice(sel: Selection) -> bool:
    """True when a Movie selection reads genres or actors, and only their id and name."""
    if not ("genres" in sel or "actors" in sel or "cast" in sel):
        return False
    return (
        REF_FIELDS.issuperset(sel.child("genres").fields)
        and REF_FIELDS.issuperset(sel.child("actors").fields)
        and REF_FIELDS.issuperset(sel.child("cast", "actor").fields)
    )


def load_refs(movies, sel: Selection) -> None:
    """Genres and cast of `movies` in one query when the selection needs only refs
    (the other case is in `movie_lookups(..., refs=True)`'s prefetches)."""
    if refs_suffice(sel):
        selectors.attach_refs(movies)


# The Movie columns each field of the GraphQL Movie type reads, by its GraphQL name
# (relations and the caller's state read only the id, which is always loaded). A
# selected name missing here loads every column: a field is never answered from a
# deferred column.
MOVIE_FIELD_COLUMNS = {
    "__typename": (),
    **{to_camel_case(field.graphql_name): field.columns for field in MOVIE_DETAIL.graphql},
}


def movie_columns(sel: Selection) -> set[str] | None:
    """The Movie columns a selection reads (the id included), or None for all of them."""
    columns = {"id"}
    for name in sel.fields:
        if name not in MOVIE_FIELD_COLUMNS:
            return None
        columns.update(MOVIE_FIELD_COLUMNS[name])
    return columns


def movie_lookups(sel: Selection, prefix: str = "", *, refs: bool = False) -> list:
    """Prefetch lookups for a Movie selection: only what is selected, nested included.

    With `refs`, genres and actors are left to `load_refs` when refs suffice for them.
    """
    lookups = []
    relations = not (refs and refs_suffice(sel))
    if relations and "genres" in sel:
        # A Genre has no other fields: load only those (no model/datetime work per row).
        lookups.append(Prefetch(f"{prefix}genres", queryset=GenreModel.objects.only("id", "name")))
    if relations and ("actors" in sel or "cast" in sel):
        # Actors carry only id and name when nothing else of theirs is selected.
        refs_only = REF_FIELDS.issuperset(sel.child("actors").fields) and REF_FIELDS.issuperset(
            sel.child("cast", "actor").fields
        )
        billing = selectors.actors_in_billing_order(refs_only=refs_only)
        lookups.append(Prefetch(f"{prefix}actors", queryset=billing.queryset))
    if "crew" in sel:
        crew = selectors.crew_in_order(
            refs_only=REF_FIELDS.issuperset(sel.child("crew", "person").fields)
        )
        lookups.append(
            Prefetch(f"{prefix}crew_credits", queryset=crew.queryset, to_attr="crew_list")
        )
    lookups += discover.keyword_lookups(sel, prefix)
    if "reviews" in sel:
        sizes = [
            check_first(value, default=DEFAULT_REVIEWS_PER_MOVIE)
            for value in sel.int_args("reviews", "first")
        ]
        size = max(sizes)
        reviews = reviews_queryset(sel.child("reviews"))
        lookups.append(Prefetch(f"{prefix}reviews", queryset=reviews[:size], to_attr="gql_reviews"))
    return lookups


MovieConnection = connection_type(Movie, "Movie", "A page of movies.")
GenreConnection = connection_type(Genre, "Genre", "A page of genres.")
ActorConnection = connection_type(Actor, "Actor", "A page of actors.")
ReviewConnection = connection_type(Review, "Review", "A page of reviews.")
