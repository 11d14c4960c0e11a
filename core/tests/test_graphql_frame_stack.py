"""GraphQL execution runs from a frame-stack chunk of its own (core/graphql/stack.py).

Without it, a request that reached the view at an unlucky call depth mapped and
unmapped a chunk of CPython's frame stack around most fields of the document
(docs/performance.md, "The GraphQL list and CPython's frame stack"). The cost is the
benchmark's to measure; these tests pin that every document, a read or a mutation
in its transaction, is executed through the big frame, and what that frame is.
"""

import sys

import pytest
from graphql import execute as graphql_execute

from core.graphql import stack, view
from movies.models import Genre
from movies.tests.factories import GenreFactory, MovieFactory


@pytest.fixture
def executions(monkeypatch):
    """The code of the function that called graphql's `execute`, once per document."""
    callers = []

    def spy(*args, **kwargs):
        callers.append(sys._getframe(1).f_code)
        return graphql_execute(*args, **kwargs)

    monkeypatch.setattr(view, "execute", spy)
    return callers


@pytest.mark.django_db
def test_a_read_is_executed_from_the_big_frame(gql, executions):
    genre = GenreFactory(name="Noir")
    MovieFactory(title="Laura", genres=[genre])

    body = gql("{ allMovies(first: 5) { edges { node { title genres { name } } } } }")

    assert body == {
        "data": {
            "allMovies": {"edges": [{"node": {"title": "Laura", "genres": [{"name": "Noir"}]}}]}
        }
    }
    assert executions == [stack.call_on_fresh_stack.__code__]


@pytest.mark.django_db
def test_a_mutation_is_executed_from_the_big_frame_inside_its_transaction(
    gql, staff_client, executions
):
    body = gql(
        'mutation { createGenre(input: {name: "Western"}) { genre { name } } }', client=staff_client
    )

    assert body == {"data": {"createGenre": {"genre": {"name": "Western"}}}}
    assert list(Genre.objects.values_list("name", flat=True)) == ["Western"]
    assert executions == [stack.call_on_fresh_stack.__code__]


def test_the_call_returns_and_raises_what_the_function_does():
    assert stack.call_on_fresh_stack(divmod, 7, 2) == (3, 1)
    assert stack.call_on_fresh_stack(dict, a=1) == {"a": 1}
    with pytest.raises(ZeroDivisionError):
        stack.call_on_fresh_stack(divmod, 1, 0)


@pytest.mark.skipif(sys.implementation.name != "cpython", reason="CPython's frame stack")
def test_its_frame_is_twice_the_chunk_cpython_grows_the_stack_by():
    # Chunks of 16 KiB in slots of 8 bytes: a frame of 4,096 never fits in the one in use.
    assert stack.call_on_fresh_stack.__code__.co_stacksize >= 2 * 16 * 1024 // 8
