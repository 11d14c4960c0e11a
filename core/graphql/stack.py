"""Run GraphQL execution from a chunk of CPython's frame stack of its own.

Why this exists: CPython 3.11 keeps the frames of Python calls on a stack per
thread that grows in chunks of 16 KiB. When a call does not fit in the chunk in use,
a new chunk is mapped from the operating system (`mmap`), and when that call returns
the chunk is unmapped at once (`munmap`). Executing a document calls down and back up
once per field and per list item, so when the resolution of the fields happens to sit
across a chunk's end, every field maps and unmaps a chunk: hundreds to thousands of
system calls per request. Where the end falls depends on how deep the request already
is when execution starts, so any middleware, decorator or server frame above the view
can move it there; two middleware added in one merge did, and the movie list over
GraphQL took about 1.7 times as long for that alone (docs/performance.md, "The GraphQL
list and CPython's frame stack").

The remedy does not depend on that depth: execution is called through a function
whose frame is 32 KiB, twice a chunk, so it never fits in the chunk in use and CPython
maps a 64 KiB chunk for it. Execution then starts at the same place of a chunk of its
own with 32 KiB above it, several times what a document of the allowed depth uses,
whatever ran before. Most of the big frame is never written, so it costs no memory
pages; the price is one map and one unmap per request.
"""

import sys

# Slots of 8 bytes: 4,096 make 32 KiB, twice the 16 KiB chunk CPython grows by.
FRAME_SLOTS = 4096


def call_on_fresh_stack(function, /, *args, **kwargs):
    """`function(*args, **kwargs)`, from the start of a frame-stack chunk of its own."""
    return function(*args, **kwargs)


if sys.implementation.name == "cpython":
    # The frame's size is the code's declared stack depth; a larger declared depth than
    # the code uses is safe (the interpreter only reserves it), a smaller one is not.
    _code = call_on_fresh_stack.__code__
    call_on_fresh_stack.__code__ = _code.replace(co_stacksize=_code.co_stacksize + FRAME_SLOTS)
