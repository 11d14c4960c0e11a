"""REST door of the diary: thin views over diary.services, diary.selectors and
diary.stats. Routes (diary/api/urls.py), under /api/users/:

- `me/diary/`       GET the caller's diary (newest first, keyset cursor), POST a watch;
- `me/diary/{id}/`  GET, PATCH, DELETE one of the caller's entries (another's is 404);
- `me/stats/`       GET the year in review (`?year=`, the current year by default).
"""

from drf_yasg import openapi
from drf_yasg.utils import swagger_auto_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.ids import MAX_DB_ID
from core.openapi import NO_NUL_PATTERN
from core.operation_views import OperationView
from diary import operations as ops
from diary import selectors, services
from diary.api import serializers as s
from diary.models import TAG_MAX_LENGTH, DiaryEntry
from diary.stats import year_in_review
from movies.api.review_pages import ReviewPagination
from movies.viewer_state import movie_states_for


class DiaryPagination(ReviewPagination):
    """Keyset pages only (newest watch first): `next` carries a cursor, `count` is null;
    a page deep in a long diary costs what the first one costs."""

    cursor_only = True


# The bounds diary.selectors.diary_filters_clean enforces, stated in the document.
_FILTER_BOUNDS = {
    "year": {"minimum": selectors.YEAR_MIN, "maximum": selectors.YEAR_MAX},
    "month": {"minimum": 1, "maximum": 12},
    "movie": {"minimum": 1, "maximum": MAX_DB_ID},
    "tag": {"max_length": TAG_MAX_LENGTH, "pattern": NO_NUL_PATTERN},
}
_FILTER_PARAMETERS = [
    openapi.Parameter(
        name,
        openapi.IN_QUERY,
        description=text,
        type=openapi.TYPE_BOOLEAN
        if name in ("rewatch", "liked")
        else openapi.TYPE_STRING
        if name == "tag"
        else openapi.TYPE_INTEGER,
        **_FILTER_BOUNDS.get(name, {}),
    )
    for name, text in selectors.FILTERS.items()
]


class _DiaryRendering:
    """Entries rendered with each movie's `my_state`, computed once per page."""

    def render(self, entries) -> list:
        states = movie_states_for(user=self.request.user, movie_ids=[e.movie_id for e in entries])
        context = {"request": self.request, "my_states": states}
        return s.DiaryEntrySerializer(entries, many=True, context=context).data

    def render_one(self, entry_id: int) -> dict:
        entry = selectors.diary_entry_detail(user=self.request.user, entry_id=entry_id)
        return self.render([entry])[0]


class DiaryView(_DiaryRendering, OperationView, GenericAPIView):
    """The caller's diary: a page of entries, and logging a watch."""

    operation = ops.LOG_WATCH
    serializer_class = s.DiaryEntrySerializer
    pagination_class = DiaryPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return DiaryEntry.objects.none()
        return selectors.diary_entries(user=self.request.user, filters=self.request.query_params)

    @swagger_auto_schema(manual_parameters=_FILTER_PARAMETERS)
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.render(page))

    @swagger_auto_schema(
        request_body=s.DiaryEntryWriteSerializer, responses={201: s.DiaryEntrySerializer}
    )
    def post(self, request):
        body = s.DiaryEntryWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        entry = services.diary_entry_create(user=request.user, **body.service_kwargs())
        return Response(self.render_one(entry.pk), status=status.HTTP_201_CREATED)


class DiaryEntryView(_DiaryRendering, OperationView, APIView):
    """One of the caller's diary entries: read, change, delete."""

    operation = ops.UPDATE_DIARY_ENTRY
    operations_by_method = {"DELETE": ops.DELETE_DIARY_ENTRY}

    @swagger_auto_schema(responses={200: s.DiaryEntrySerializer})
    def get(self, request, entry_id):
        entry = services.diary_entry_get(user=request.user, entry_id=entry_id)
        return Response(self.render_one(entry.pk))

    @swagger_auto_schema(
        request_body=s.DiaryEntryWriteSerializer(creating=False),
        responses={200: s.DiaryEntrySerializer},
    )
    def patch(self, request, entry_id):
        body = s.DiaryEntryWriteSerializer(data=request.data, partial=True, creating=False)
        body.is_valid(raise_exception=True)
        entry = services.diary_entry_update(
            user=request.user, entry_id=entry_id, **body.service_kwargs()
        )
        return Response(self.render_one(entry.pk))

    def delete(self, request, entry_id):
        services.diary_entry_delete(user=request.user, entry_id=entry_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class YearInReviewView(APIView):
    """The year in review of the caller's diary (`?year=`, this year by default)."""

    permission_classes = [IsAuthenticated]

    @swagger_auto_schema(
        manual_parameters=[
            openapi.Parameter(
                "year",
                openapi.IN_QUERY,
                description="The year, YYYY (default: the current year).",
                type=openapi.TYPE_INTEGER,
                minimum=selectors.YEAR_MIN,
                maximum=selectors.YEAR_MAX,
            )
        ],
        responses={200: s.YearInReviewSerializer},
    )
    def get(self, request):
        year = request.query_params.get("year") or services.today().year
        return Response(year_in_review(user=request.user, year=year))
