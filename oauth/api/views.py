"""REST door of "my authorized apps": thin views over oauth.selectors and oauth.services."""

from drf_yasg.utils import swagger_auto_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from oauth import selectors, services


class AuthorizedAppSerializer(serializers.Serializer):
    """An app that can act for the caller (Sign in with Movie API)."""

    id = serializers.IntegerField(help_text="Pass to DELETE /api/users/me/apps/{id}/.")
    name = serializers.CharField()
    client_id = serializers.CharField()
    scopes = serializers.ListField(child=serializers.CharField())
    authorized_at = serializers.DateTimeField()


class MyAppsView(APIView):
    """The apps the caller has authorized with Sign in with Movie API, newest first."""

    permission_classes = [IsAuthenticated]

    @swagger_auto_schema(responses={200: AuthorizedAppSerializer(many=True)})
    def get(self, request):
        apps = selectors.authorized_apps(user=request.user)
        return Response(AuthorizedAppSerializer(apps, many=True).data)


class MyAppView(APIView):
    """Withdraw one app's access: its tokens stop working at once."""

    permission_classes = [IsAuthenticated]

    @swagger_auto_schema(responses={204: "Revoked."})
    def delete(self, request, app_id: int):
        services.app_revoke(user=request.user, application_id=app_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
