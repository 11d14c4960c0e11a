"""REST door of the lists users make: thin views over lists.user_list_services and
lists.user_list_selectors. Routes (lists/api/list_urls.py), under /api/lists/:

- ``                  GET the lists the caller may see (public + own), POST a new list;
- `{id}/`             GET, PATCH, DELETE one list (another's private list is 404);
- `{id}/items/`       GET its movies by position (pages), POST a movie;
- `{id}/items/{movie_id}/`  PATCH (move, note), DELETE a movie of it.

Reads are open to anyone (private lists to their owner only); writes need sign-in.
"""

from django.core.paginator import Paginator
from django.utils.cache import patch_vary_headers
from django.utils.functional import cached_property
from drf_yasg import openapi
from drf_yasg.utils import swagger_auto_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from core.ids import MAX_DB_ID
from core.pagination import PageNumberPagination
from lists import user_list_selectors as selectors
from lists import user_list_services as services
from lists.api import user_list_serializers as s
from lists.models import UserList, UserListItem
from movies.api.views import CatalogViewSet
from movies.viewer_state import movie_states_for


class DensePaginator(Paginator):
    """Pages of a list's items by position range: positions are 1..n with no gap, so
    page k is positions ((k-1)*size, k*size] and the total is the list's item_count
    (lists/user_list_selectors.py). Its object list is the list itself."""

    @cached_property
    def count(self):
        return self.object_list.item_count

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = selectors.list_items_page(
            user_list=self.object_list, offset=bottom, size=self.per_page
        )
        return self._get_page(rows, number, self)


class ListItemPagination(PageNumberPagination):
    django_paginator_class = DensePaginator


class _ListReads:
    """The reads of lists, wired as the movie list's (movies/api/views.py):

    - rendered by orjson (the same bytes as DRF's renderer, a fraction of its time);
    - the answers differ by caller (their private lists, `my_state`), so a shared cache
      keeps the anonymous answer apart from a signed-in one; the anonymous one is
      cached whole (docs/caching.md).
    """

    renderer_classes = CatalogViewSet.renderer_classes

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, ("Authorization", "Cookie"))
        return response


def _list_body(user_list) -> dict:
    return s.UserListSerializer(user_list).data


class UserListsView(_ListReads, GenericAPIView):
    """The lists the caller may see, and making a new one."""

    serializer_class = s.UserListSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return UserList.objects.none()
        return selectors.user_lists(viewer=self.request.user, filters=self.request.query_params)

    @swagger_auto_schema(
        manual_parameters=[
            openapi.Parameter(
                name,
                openapi.IN_QUERY,
                description=text,
                type=openapi.TYPE_INTEGER,
                minimum=1,
                maximum=MAX_DB_ID,
            )
            for name, text in selectors.FILTERS.items()
        ]
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.UserListSerializer(page, many=True).data)

    @swagger_auto_schema(
        request_body=s.UserListWriteSerializer, responses={201: s.UserListSerializer}
    )
    def post(self, request):
        body = s.UserListWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user_list = services.user_list_create(user=request.user, **body.service_kwargs())
        return Response(_list_body(user_list), status=status.HTTP_201_CREATED)


class UserListView(_ListReads, APIView):
    """One list: read it, change it, delete it (its owner only)."""

    @swagger_auto_schema(responses={200: s.UserListSerializer})
    def get(self, request, list_id):
        return Response(_list_body(services.user_list_visible(user=request.user, list_id=list_id)))

    @swagger_auto_schema(
        request_body=s.UserListWriteSerializer(creating=False),
        responses={200: s.UserListSerializer},
    )
    def patch(self, request, list_id):
        body = s.UserListWriteSerializer(data=request.data, partial=True, creating=False)
        body.is_valid(raise_exception=True)
        user_list = services.user_list_update(
            user=request.user, list_id=list_id, **body.service_kwargs()
        )
        return Response(_list_body(user_list))

    def delete(self, request, list_id):
        services.user_list_delete(user=request.user, list_id=list_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class _ItemRendering:
    """Items rendered with each movie's `my_state`, computed once per page."""

    def render(self, items) -> list:
        states = movie_states_for(user=self.request.user, movie_ids=[i.movie_id for i in items])
        context = {"request": self.request, "my_states": states}
        return s.ListItemSerializer(items, many=True, context=context).data

    def render_one(self, user_list, movie_id) -> dict:
        return self.render(selectors.list_items(user_list=user_list, movie_id=movie_id))[0]


class ListItemsView(_ListReads, _ItemRendering, GenericAPIView):
    """A list's movies by position, and adding one."""

    serializer_class = s.ListItemSerializer
    pagination_class = ListItemPagination

    def get(self, request, list_id):
        user_list = services.user_list_visible(user=request.user, list_id=list_id, owner=False)
        page = self.paginate_queryset(user_list)  # DensePaginator: pages by position
        return self.get_paginated_response(self.render(page))

    def get_queryset(self):  # the OpenAPI document's view of the page
        return UserListItem.objects.none()

    @swagger_auto_schema(
        request_body=s.ListItemAddSerializer, responses={201: s.ListItemSerializer}
    )
    def post(self, request, list_id):
        body = s.ListItemAddSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        item = services.list_item_add(user=request.user, list_id=list_id, **body.service_kwargs())
        return Response(render_one(self, item), status=status.HTTP_201_CREATED)


def render_one(view, item) -> dict:
    return view.render_one(item.list, item.movie_id)


class ListItemView(_ItemRendering, APIView):
    """One movie of a list: move it, change its note, take it off."""

    @swagger_auto_schema(
        request_body=s.ListItemUpdateSerializer, responses={200: s.ListItemSerializer}
    )
    def patch(self, request, list_id, movie_id):
        body = s.ListItemUpdateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        item = services.list_item_update(
            user=request.user, list_id=list_id, movie_id=movie_id, **body.service_kwargs()
        )
        return Response(render_one(self, item))

    def delete(self, request, list_id, movie_id):
        services.list_item_remove(user=request.user, list_id=list_id, movie_id=movie_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
