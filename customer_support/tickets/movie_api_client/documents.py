"""Every GraphQL document this project sends to the movie API, as module constants.

Queries are read-only, so the client may retry them; the one mutation (``tokenAuth``)
is sent once. ``DOCUMENTS`` lists them all for the test that validates them against
the movie API's ``schema.graphql``.
"""

MOVIE_FIELDS = """
fragment SupportMovieFields on Movie {
  id
  title
  year
  genres { id name }
}
"""

MOVIE_QUERY = (
    """
query SupportMovie($id: ID!) {
  movie(id: $id) { ...SupportMovieFields }
}
"""
    + MOVIE_FIELDS
)

ALL_MOVIES_QUERY = (
    """
query SupportAllMovies(
  $search: String, $title: String, $genre: String, $actor: String, $first: Int, $after: String
) {
  allMovies(
    search: $search, title: $title, genre: $genre, actor: $actor, first: $first, after: $after
  ) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { ...SupportMovieFields } }
  }
}
"""
    + MOVIE_FIELDS
)

# The ticket page's side panel: what an agent wants to see about the movie right now.
MOVIE_DETAIL_QUERY = (
    """
query SupportMovieDetail($id: ID!) {
  movie(id: $id) {
    ...SupportMovieFields
    plot
    releaseDate
    averageRating
    reviewCount
    actors { id name }
  }
}
"""
    + MOVIE_FIELDS
)


def named_list_query(operation: str, field: str) -> str:
    """One page of a list of named things (genres, actors), filtered by name.

    Both lists take the same arguments and answer the same node shape, so the document
    is written once and only the operation and field names differ.
    """
    return f"""
query {operation}($name: String, $first: Int, $after: String) {{
  {field}(name: $name, first: $first, after: $after) {{
    totalCount
    pageInfo {{ hasNextPage endCursor }}
    edges {{ node {{ id name }} }}
  }}
}}
"""


ALL_GENRES_QUERY = named_list_query("SupportAllGenres", "allGenres")
ALL_ACTORS_QUERY = named_list_query("SupportAllActors", "allActors")

# Every document this package sends, for the test that validates them against schema.graphql.
DOCUMENTS = {
    "movie": MOVIE_QUERY,
    "movieDetail": MOVIE_DETAIL_QUERY,
    "allMovies": ALL_MOVIES_QUERY,
    "allGenres": ALL_GENRES_QUERY,
    "allActors": ALL_ACTORS_QUERY,
}
