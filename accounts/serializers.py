from rest_framework import serializers

from accounts.models import User


class RegionBriefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()


class LinkedDeputySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class LinkedDepartmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    type = serializers.CharField()


class MeSerializer(serializers.ModelSerializer):
    region = RegionBriefSerializer(allow_null=True)
    deputy = serializers.SerializerMethodField()
    department = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "role", "region", "is_superuser", "deputy", "department"]

    def get_deputy(self, user) -> LinkedDeputySerializer(allow_null=True):
        # The link lives on Deputy (an app above this one); read it without importing that app.
        deputy = getattr(user, "deputy_profile", None)
        return {"id": deputy.pk, "name": deputy.name} if deputy else None

    def get_department(self, user) -> LinkedDepartmentSerializer(allow_null=True):
        handler = getattr(user, "handler", None)
        department = getattr(handler, "department", None)
        if department is None:
            return None
        return {"id": department.pk, "name": department.name, "type": department.type}
