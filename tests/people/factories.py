"""Factories for people: users (made as `create_user` makes them, with the tests' password), a
user with a role (the group of that name, as `redegov.roles` reads it), and a confirmed second
factor."""

import factory
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice

from redegov.models import User

PASSWORD = "senha-de-teste-123"


class UserFactory(factory.django.DjangoModelFactory):
    """A user with no role; ties (`agency`, `unit`, `carrier`) and `email` when told."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"pessoa{n}")
    password = PASSWORD

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return model_class.objects.create_user(*args, **kwargs)


def user_with_role(username: str, role: str, **ties) -> User:
    user = UserFactory(username=username, **ties)
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    """A user's authenticator app, already confirmed (named as `people.otp` names it)."""

    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = "Aplicativo"
    confirmed = True
