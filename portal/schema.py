"""OpenAPI: the one error shape on every operation, and list schemas.

Kept apart from `portal.api` (loaded by DRF's settings) to avoid an import cycle.
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


_ERROR_TEXT = {
    "400": "Invalid input.",
    "401": "Not authenticated, or the token is invalid, expired or revoked.",
    "403": "Not allowed (missing right, or token scoped to another org).",
    "404": "Not found, or not yours.",
    "409": "A rule refuses it.",
    "429": "Rate limited.",
}


class PortalAutoSchema(AutoSchema):
    """Every operation documents the one JSON error shape for the statuses any
    endpoint may answer (SPEC §9), whether or not the view lists them itself."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, text in _ERROR_TEXT.items():
            if code not in responses:
                body = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                body["description"] = text
                responses[code] = body
        return responses


def paginated_schema(serializer_class) -> serializers.Serializer:
    """Schema of a paginated list (`Pagination`) of `serializer_class`."""
    name = serializer_class.__name__.removesuffix("Serializer")
    return inline_serializer(
        name=f"Paginated{name}List",
        fields={
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer_class(many=True),
        },
    )


def results_schema(serializer_class) -> serializers.Serializer:
    """Schema of an unpaginated `{"results": [...]}` list of `serializer_class`."""
    name = serializer_class.__name__.removesuffix("Serializer")
    return inline_serializer(name=f"{name}Results", fields={"results": serializer_class(many=True)})
