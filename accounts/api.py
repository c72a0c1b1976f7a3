from django.contrib.auth import logout
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.serializers import MeSerializer, me_links
from accounts.tokens import token_issue, tokens_revoke_all
from config import signin
from config.throttling import AnonRateThrottle


class TokenView(APIView):
    """Exchange a username and password for a new API token (``Authorization: Token …``).

    Each login issues a new token, valid for ``API_TOKEN_DAYS``; earlier tokens stay valid until they
    expire or the user logs out or changes the password.
    """

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]
    # Well-formed credentials may still be wrong (config/schema.py lists this on the 400 answer).
    refused_beyond_schema = {"non_field_errors": "a wrong username or password, or an inactive user"}

    @extend_schema(
        request=AuthTokenSerializer,
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})},
        tags=["auth"],
    )
    def post(self, request):
        username = signin.lockout_username(request)
        if signin.is_locked(request, username):
            return Response({"detail": signin.locked_message(), "code": "locked"}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        wait = signin.login_wait(username)
        if wait:
            body = {"detail": signin.wait_message(wait), "code": "login_delayed"}
            return Response(body, status=status.HTTP_429_TOO_MANY_REQUESTS, headers={"Retry-After": str(wait)})
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        return Response({"token": token_issue(user=serializer.validated_data["user"])}, status=status.HTTP_200_OK)


class MeView(APIView):
    """The signed-in user: role, region scope and linked deputy or department."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer, tags=["auth"])
    def get(self, request):
        return Response(MeSerializer(request.user, context={"links": me_links(request.user)}).data)


class LogoutView(APIView):
    """Log out everywhere: revoke every API token of the user (and end this browser session, if any)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def post(self, request):
        tokens_revoke_all(user=request.user)
        if request.auth is None:  # signed in with the session, not a token
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)
