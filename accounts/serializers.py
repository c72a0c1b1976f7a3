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
    """The signed-in user. ``context["links"]`` (from :func:`me_links`) gives the linked deputy and
    department read in one query; without it they are read through the user's relations."""

    region = RegionBriefSerializer(allow_null=True)
    deputy = serializers.SerializerMethodField()
    department = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "role", "region", "is_superuser", "deputy", "department"]

    def get_deputy(self, user) -> LinkedDeputySerializer(allow_null=True):
        if "links" in self.context:
            return self.context["links"]["deputy"]
        # The link lives on Deputy (an app above this one); read it without importing that app.
        deputy = getattr(user, "deputy_profile", None)
        return {"id": deputy.pk, "name": deputy.name} if deputy else None

    def get_department(self, user) -> LinkedDepartmentSerializer(allow_null=True):
        if "links" in self.context:
            return self.context["links"]["department"]
        handler = getattr(user, "handler", None)
        department = getattr(handler, "department", None)
        if department is None:
            return None
        return {"id": department.pk, "name": department.name, "type": department.type}


def me_links(user) -> dict:
    """The user's linked deputy and department in one query (each link is one-to-one, or none),
    by relation names: the models live in apps above this one."""
    row = (
        User.objects.filter(pk=user.pk)
        .values_list("deputy_profile__id", "deputy_profile__name", "handler__department__id", "handler__department__name",
                     "handler__department__type")
        .first()
    ) or (None,) * 5
    deputy_id, deputy_name, department_id, department_name, department_type = row
    return {
        "deputy": {"id": deputy_id, "name": deputy_name} if deputy_id is not None else None,
        "department": {"id": department_id, "name": department_name, "type": department_type} if department_id is not None else None,
    }
