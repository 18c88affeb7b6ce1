"""The Django admin of the portal's users and of the business calendar's holiday table.

A user's ties (agency, unit, carrier) must fit the roles chosen in the same form. Roles are
groups, saved after the user row, so the check runs in the forms' `clean()` through
`redegov.services.user_ties_check`, the rule `user_create` also applies.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError

from redegov.models import Holiday, User
from redegov.roles import Role
from redegov.services import user_ties_check

TIE_FIELDS = ("groups", "agency", "unit", "carrier")


def role_label(group) -> str:
    return Role(group.name).label if group.name in Role.values else group.name


class TiesFormMixin:
    """Shows roles by their names and checks the ties against the groups chosen in the form
    (skipped while one of those fields has its own error, which is shown instead)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["groups"].label_from_instance = role_label

    def clean(self) -> dict:
        cleaned = super().clean()
        if any(name in self.errors for name in TIE_FIELDS):
            return cleaned
        try:
            user_ties_check(
                roles=[group.name for group in cleaned.get("groups", [])],
                agency=cleaned.get("agency"),
                unit=cleaned.get("unit"),
                carrier=cleaned.get("carrier"),
            )
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned


class UserTiesChangeForm(TiesFormMixin, UserChangeForm):
    pass


class UserTiesCreationForm(TiesFormMixin, AdminUserCreationForm):
    pass


TIES_FIELDSET = ("Papel e vínculos", {"fields": TIE_FIELDS})


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserTiesChangeForm
    add_form = UserTiesCreationForm
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Dados pessoais", {"fields": ("first_name", "last_name", "email")}),
        TIES_FIELDSET,
        (
            "Acesso ao admin",
            {"fields": ("is_active", "is_staff", "is_superuser", "user_permissions")},
        ),
        ("Datas", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        ("Dados pessoais", {"fields": ("first_name", "last_name", "email")}),
        TIES_FIELDSET,
    )
    list_display = [
        "username",
        "first_name",
        "last_name",
        "roles",
        "agency",
        "carrier",
        "is_active",
    ]
    list_filter = ["groups", "is_active", "is_staff", "agency", "carrier"]
    list_select_related = ["agency", "carrier"]
    autocomplete_fields = ["agency", "unit", "carrier"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="papéis")
    def roles(self, user: User) -> str:
        return ", ".join(role_label(group) for group in user.groups.all())


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]
    date_hierarchy = "date"
