"""REST front door of accounts: thin views over users.services and users.selectors.

The services' typed errors (users/exceptions.py) reach the project's exception handler
untouched; core/errors.py says which status each one is.
"""

from drf_yasg.utils import swagger_auto_schema
from rest_framework import mixins, status, viewsets
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.operation_views import OperationView
from core.security.client import client_ip
from core.throttling import ScopedRateThrottle
from users import operations as ops
from users import selectors, services
from users.api import serializers as s
from users.current_password import current_password_of, errors_named
from users.models import User


class AccountOperationView(OperationView, APIView):
    """Base of the account operations: limits and credentials from `operation`
    (users/operations.py)."""

    def valid(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class RegisterView(AccountOperationView):
    """Create an inactive account and send a verification code by SMS."""

    operation = ops.REGISTER

    @swagger_auto_schema(request_body=s.RegisterSerializer, responses={201: s.DetailSerializer})
    def post(self, request):
        data = self.valid(s.RegisterSerializer)
        services.user_register(**data, client_ip=client_ip(request))
        # Same answer whether or not the number was already registered (no enumeration).
        return Response({"detail": services.CODE_SENT_MESSAGE}, status=status.HTTP_201_CREATED)


class OTPVerifyView(AccountOperationView):
    """Check the SMS code; the account becomes active and is signed in."""

    operation = ops.OTP_VERIFY

    @swagger_auto_schema(
        request_body=s.OTPVerifySerializer, responses={200: s.VerifyResponseSerializer}
    )
    def post(self, request):
        data = self.valid(s.OTPVerifySerializer)
        return Response(services.otp_verify_sign_in(**data, client_ip=client_ip(request)))


class OTPResendView(AccountOperationView):
    """Send a new code to a pending account's number (the old code stops working)."""

    operation = ops.OTP_RESEND

    @swagger_auto_schema(request_body=s.PhoneSerializer, responses={200: s.DetailSerializer})
    def post(self, request):
        data = self.valid(s.PhoneSerializer)
        services.otp_resend(**data, client_ip=client_ip(request))
        return Response({"detail": services.CODE_SENT_MESSAGE})


class LoginView(AccountOperationView):
    """Sign in with username or email and password: a JWT pair and the user."""

    operation = ops.LOGIN

    @swagger_auto_schema(request_body=s.LoginSerializer, responses={200: s.LoginResponseSerializer})
    def post(self, request):
        data = self.valid(s.LoginSerializer)
        user = services.user_authenticate(**data, client_ip=client_ip(request))
        return Response(services.login_tokens(user=user))


class TokenRefreshView(AccountOperationView):
    """Rotate a refresh token: a new pair; the old refresh token is dead."""

    operation = ops.TOKEN_REFRESH

    @swagger_auto_schema(request_body=s.RefreshSerializer, responses={200: s.TokenPairSerializer})
    def post(self, request):
        data = self.valid(s.RefreshSerializer)
        return Response(services.token_refresh(refresh=data["refresh"]))


class LogoutView(AccountOperationView):
    """Blacklist the caller's own refresh token; the access token used stops working too."""

    operation = ops.LOGOUT

    @swagger_auto_schema(request_body=s.RefreshSerializer, responses={200: s.DetailSerializer})
    def post(self, request):
        serializer = s.RefreshSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.token_logout(
            refresh=serializer.validated_data["refresh"], user=request.user, access=request.auth
        )
        return Response({"detail": services.LOGGED_OUT_MESSAGE})


class PasswordChangeView(AccountOperationView):
    """Change the caller's password; all earlier tokens stop working; a new pair is returned."""

    operation = ops.PASSWORD_CHANGE

    @swagger_auto_schema(
        request_body=s.PasswordChangeSerializer, responses={200: s.LoginResponseSerializer}
    )
    def post(self, request):
        serializer = s.PasswordChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        password, sent_as = current_password_of(data, old_name="old_password", request=request)
        with errors_named(sent_as, "old_password"):
            user = services.password_change(
                user=request.user, old_password=password, **data, client_ip=client_ip(request)
            )
        return Response(services.login_tokens(user=user))


class EmailChangeRateThrottle(ScopedRateThrottle):
    """Attempts to change an account's email, per account (scope `email_change`).

    With the password check, this bounds how many addresses one account can try: a
    taken address is refused, so each try tells whether it is registered.
    """

    scope_attr = "email_change_scope"


class ProfileUpdateMixin:
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    email_change_scope = "email_change"

    def get_throttles(self):
        throttles = super().get_throttles()
        data = self.request.data if self.request.method in ("PUT", "PATCH") else None
        email = data.get("email") if isinstance(data, dict) else None
        if isinstance(email, str) and email.strip().lower() != self.request.user.email.lower():
            throttles.append(EmailChangeRateThrottle())
        return throttles

    # The service that writes a profile; the lists app puts its own here.
    update_service = staticmethod(services.profile_update)

    def perform_update(self, serializer):
        self.update_service(
            user=serializer.instance,
            client_ip=client_ip(self.request),
            **serializer.validated_data,
        )

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        self.perform_update(serializer)
        # Re-read so the id lists reflect what was just written.
        return Response(self.get_serializer(self.get_object()).data)


class ProfileViewSet(
    ProfileUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Profiles: staff see all; everyone else only their own (another id is 404)."""

    serializer_class = s.ProfileSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return User.objects.none()
        return selectors.profile_list(viewer=self.request.user)


class MeView(ProfileUpdateMixin, mixins.UpdateModelMixin, GenericAPIView):
    """The caller's own profile: read and change bio, email and picture.

    Mounted by lists/api/urls.py with the movie-list ids added (lists/api/views.py).
    """

    serializer_class = s.ProfileSerializer
    permission_classes = [IsAuthenticated]

    def get_object(self):
        return selectors.profile_list(viewer=self.request.user).get(pk=self.request.user.pk)

    def get(self, request):
        return Response(self.get_serializer(self.get_object()).data)

    def put(self, request, *args, **kwargs):
        return self.update(request, *args, **kwargs)

    def patch(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)
