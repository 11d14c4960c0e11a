"""REST door of the history import and the Letterboxd export: thin views over
imports.services and imports.letterboxd."""

from django.conf import settings
from django.http import HttpResponse
from drf_yasg import openapi
from drf_yasg.utils import swagger_auto_schema
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from core.errors import TooLarge
from core.operation_views import OperationView
from imports import operations as ops
from imports import services
from imports.api import serializers as s
from imports.errors import ImportErrorCode
from imports.letterboxd import letterboxd_zip
from lists.api.serializers import AccountExportSerializer
from lists.api.views import AccountExportView as JsonAccountExportView

# The multipart envelope around the file: boundaries, headers and the dry_run field.
ENVELOPE_BYTES = 64 * 1024


class HistoryImportView(OperationView, APIView):
    """Import a Letterboxd, IMDb or Trakt history file (all or nothing)."""

    operation = ops.HISTORY_IMPORT
    parser_classes = [MultiPartParser]

    @swagger_auto_schema(
        request_body=None,
        manual_parameters=[
            openapi.Parameter("file", openapi.IN_FORM, type=openapi.TYPE_FILE, required=True),
            openapi.Parameter("dry_run", openapi.IN_FORM, type=openapi.TYPE_BOOLEAN),
        ],
        consumes=["multipart/form-data"],
        responses={200: s.ImportReportSerializer},
    )
    def post(self, request):
        # Refused before the body is read: Django would spool a huge upload to disk first.
        length = request.META.get("CONTENT_LENGTH") or "0"
        if length.isdigit() and int(length) > settings.IMPORT_MAX_BYTES + ENVELOPE_BYTES:
            raise TooLarge(services.too_large_message(), code=ImportErrorCode.FILE_TOO_LARGE)
        serializer = s.HistoryImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.history_import(
            user=request.user,
            upload=serializer.validated_data["file"],
            dry_run=serializer.validated_data["dry_run"],
        )
        return Response(report.as_dict())


class LetterboxdZipRenderer(BaseRenderer):
    """`?format=letterboxd` (DRF's format override) picks this: a zip of CSVs."""

    media_type = "application/zip"
    format = "letterboxd"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class AccountExportView(JsonAccountExportView):
    """The caller's data: one JSON document, or with `?format=letterboxd` a zip of
    Letterboxd's CSVs (diary.csv, ratings.csv, watchlist.csv)."""

    renderer_classes = [*api_settings.DEFAULT_RENDERER_CLASSES, LetterboxdZipRenderer]

    @swagger_auto_schema(
        manual_parameters=[
            openapi.Parameter(
                "format",
                openapi.IN_QUERY,
                type=openapi.TYPE_STRING,
                enum=["json", LetterboxdZipRenderer.format],
                description="`letterboxd`: a zip of Letterboxd's CSVs instead of the JSON "
                "document.",
            )
        ],
        responses={200: AccountExportSerializer},
    )
    def get(self, request):
        if isinstance(request.accepted_renderer, LetterboxdZipRenderer):
            filename = f"movie-api-letterboxd-{request.user.pk}.zip"
            return HttpResponse(
                letterboxd_zip(user=request.user),
                content_type=LetterboxdZipRenderer.media_type,
                headers={"Content-Disposition": f'attachment; filename="{filename}"'},
            )
        return super().get(request)

    def handle_exception(self, exc):
        # A refusal (401, 429) of a zip request is the API's JSON error, not a zip.
        if isinstance(getattr(self.request, "accepted_renderer", None), LetterboxdZipRenderer):
            self.request.accepted_renderer = JSONRenderer()
            self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)
