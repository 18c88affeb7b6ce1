"""The Django admin: every model's pages load for a superuser, history is visible, the forms keep
the rules the database enforces, and people who are not staff are refused."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse
from pghistory.models import Event

from inventory.admin import LinkForm, LinkRevisionForm, LotMunicipalityForm
from inventory.models import Carrier, LinkRevision, LotMunicipality, Municipality
from redegov.models import Holiday, User
from redegov.roles import Role
from tests.inventory.factories import (
    CONTAGEM,
    JUIZ_DE_FORA,
    UBERLANDIA,
    ContractFactory,
    LinkFactory,
    PriceItemFactory,
    lot_with,
)
from tests.support.time import SP


@pytest.fixture
def full_network(network):
    """The small network plus one row of each model the `network` fixture does not make."""
    PriceItemFactory(lot=network.lot_metro)
    LinkRevision.objects.create(
        link=network.link_x_metro, effective_at=datetime(2025, 3, 1, tzinfo=SP), speed_mbps=10
    )
    Holiday.objects.get_or_create(
        date=date(2026, 6, 4), defaults={"name": "Corpus Christi", "kind": "municipal"}
    )
    return network


def admin_models() -> list[type]:
    return [
        model
        for app in ("redegov", "inventory")
        for model in apps.get_app_config(app).get_models()
        if not issubclass(model, Event)
    ]


def test_every_model_of_the_portal_is_in_the_admin():
    assert {m.__name__ for m in admin_models()} == {
        "User",
        "Holiday",
        "Municipality",
        "Carrier",
        "Agency",
        "AgencyUnit",
        "Contract",
        "Lot",
        "LotMember",
        "LotMunicipality",
        "PriceItem",
        "Link",
        "LinkRevision",
    }
    for model in admin_models():
        assert admin.site.is_registered(model), model


@pytest.mark.parametrize("model", admin_models(), ids=lambda m: m.__name__)
def test_changelist_change_and_add_pages_load(admin_client, full_network, model):
    opts = model._meta
    obj = model.objects.order_by("pk").first()
    changelist = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert changelist.status_code == 200
    change = admin_client.get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    )
    assert change.status_code == 200
    assert change.context["original"] == obj
    add = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    assert add.status_code == 200


def test_link_search_by_circuit_id_and_address(admin_client, full_network):
    url = reverse("admin:inventory_link_changelist")
    found = admin_client.get(url, {"q": "UDI-0001"}).context["cl"].result_list
    assert [link.circuit_id for link in found] == ["UDI-0001"]
    full_network.link_y_metro.address = "Praça da Liberdade, 10"
    full_network.link_y_metro.save()
    found = admin_client.get(url, {"q": "liberdade"}).context["cl"].result_list
    assert [link.circuit_id for link in found] == ["CTG-0001"]


def test_link_changelist_queries_do_not_grow_with_links(
    admin_client, full_network, django_assert_max_num_queries
):
    url = reverse("admin:inventory_link_changelist")
    with django_assert_max_num_queries(12) as few:
        admin_client.get(url)
    for n in range(10):
        LinkFactory(
            circuit_id=f"BHZ-1{n:03d}", agency=full_network.agency_y, lot=full_network.lot_metro
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        admin_client.get(url)


def test_an_edit_shows_in_the_objects_history(admin_client, full_network):
    carrier = full_network.carrier_a
    change_url = reverse("admin:inventory_carrier_change", args=[carrier.pk])
    response = admin_client.post(
        change_url,
        {
            "code": carrier.code,
            "name": "Alfa Telecom S.A.",
            "cnpj": carrier.cnpj,
            "ticket_email": carrier.ticket_email,
            "ticket_webhook_url": "",
        },
    )
    assert response.status_code == 302
    assert Carrier.objects.get(pk=carrier.pk).name == "Alfa Telecom S.A."

    events_url = reverse("admin:pghistory_events_changelist")
    history = admin_client.get(
        events_url, {"method": "tracks", "obj": f"inventory.Carrier:{carrier.pk}"}
    )
    assert history.status_code == 200
    events = list(history.context["cl"].result_list)
    assert [event.pgh_label for event in events] == ["update", "insert"]
    assert events[0].pgh_diff == {"name": ["Alfa Telecom", "Alfa Telecom S.A."]}


def test_change_page_links_to_the_objects_history(admin_client, full_network):
    """pghistory's button; needs "pghistory.admin" above "django.contrib.admin" in
    INSTALLED_APPS, or Django's own object-tools template hides it."""
    link = full_network.link_x_metro
    page = admin_client.get(reverse("admin:inventory_link_change", args=[link.pk]))
    events_url = reverse("admin:pghistory_events_changelist")
    assert (
        f'href="{events_url}?method=tracks&obj=inventory.Link:{link.pk}&' in page.content.decode()
    )


def test_people_who_are_not_staff_are_refused(client, personas):
    url = reverse("admin:inventory_link_changelist")
    assert client.get(url).status_code == 302
    client.force_login(personas.noc)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert b"BHZ-0001" not in client.get(url, follow=True).content


def test_user_admin_refuses_a_manager_without_agency(admin_client, db):
    manager_group = Group.objects.get_or_create(name=Role.AGENCY_MANAGER)[0]
    form = {
        "username": "gestor.novo",
        "usable_password": "true",
        "password1": "uma-senha-longa-123",
        "password2": "uma-senha-longa-123",
        "groups": [manager_group.pk],
    }
    response = admin_client.post(reverse("admin:redegov_user_add"), form)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "agency": ["Informe o órgão deste usuário."]
    }
    assert not User.objects.filter(username="gestor.novo").exists()


def test_user_admin_creates_a_carrier_user_with_its_ties(admin_client, network):
    carrier_group = Group.objects.get_or_create(name=Role.CARRIER)[0]
    form = {
        "username": "beta.noc",
        "usable_password": "true",
        "password1": "uma-senha-longa-123",
        "password2": "uma-senha-longa-123",
        "groups": [carrier_group.pk],
        "carrier": network.carrier_b.pk,
    }
    response = admin_client.post(reverse("admin:redegov_user_add"), form)
    assert response.status_code == 302
    user = User.objects.get(username="beta.noc")
    assert user.carrier == network.carrier_b
    assert list(user.groups.values_list("name", flat=True)) == [Role.CARRIER]


def test_user_admin_change_form_checks_ties_against_the_chosen_groups(admin_client, personas):
    user = personas.carrier_a
    noc_group = Group.objects.get_or_create(name=Role.NOC)[0]
    response = admin_client.post(
        reverse("admin:redegov_user_change", args=[user.pk]),
        {
            "username": user.username,
            "groups": [noc_group.pk],
            "carrier": user.carrier_id,
            "is_active": "on",
            "date_joined_0": "01/01/2026",
            "date_joined_1": "08:00:00",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "carrier": ["Só usuários de operadora têm operadora."]
    }


def test_link_form_derives_lot_and_status(network):
    data = {
        "circuit_id": "JDF-0001",
        "contract": network.contract.pk,
        "agency": network.agency_y.pk,
        "municipality": JUIZ_DE_FORA,
        "address": "Av. Rio Branco, 100",
        "speed_mbps": 8,
        "access_type": "simple",
        "activated_at": "2025-03-10 14:05:37",
        "mgmt_ip": "127.30.0.1",
        "snmp_community": "public",
        "snmp_port": 161,
        "if_index": 1,
    }
    form = LinkForm(data)
    assert form.is_valid(), form.errors
    link = form.save()
    assert link.lot == network.lot_interior
    assert link.status == "active"
    assert link.activated_at == datetime(2025, 3, 10, 14, 5, tzinfo=SP)


def test_link_form_refuses_municipality_outside_the_contract_and_a_foreign_unit(network):
    unit_x = network.agency_x.units.get()
    form = LinkForm(
        {
            "circuit_id": "MOC-0001",
            "contract": network.contract.pk,
            "agency": network.agency_y.pk,
            "unit": unit_x.pk,
            "municipality": 3143302,  # Montes Claros: in no lot of the contract
            "address": "Rua Dr. Santos, 1",
            "speed_mbps": 8,
            "access_type": "simple",
            "activated_at": "2025-03-10 14:00",
            "cancelled_at": "2025-03-01 10:00",
            "mgmt_ip": "127.30.0.2",
            "snmp_community": "public",
            "snmp_port": 161,
            "if_index": 1,
        }
    )
    assert not form.is_valid()
    assert set(form.errors) == {"municipality", "unit", "cancelled_at"}
    assert "não pertence a nenhum lote do contrato" in form.errors["municipality"][0]


def test_lot_coverage_form_takes_the_lots_contract_and_refuses_a_second_lot(network):
    form = LotMunicipalityForm({"lot": network.lot_interior.pk, "municipality": CONTAGEM})
    assert not form.is_valid()
    assert form.errors["municipality"] == [
        f"Contagem já pertence ao {network.lot_metro} deste contrato."
    ]
    form = LotMunicipalityForm({"lot": network.lot_interior.pk, "municipality": 3143302})
    assert form.is_valid(), form.errors
    assert form.save().contract == network.contract


def test_lot_coverage_in_another_contract_is_allowed(network):
    other = lot_with(
        contract=ContractFactory(), number=1, members=[(network.carrier_b, "100")], ibge_codes=[]
    )
    form = LotMunicipalityForm({"lot": other.pk, "municipality": UBERLANDIA})
    assert form.is_valid(), form.errors
    assert form.save().contract == other.contract
    assert LotMunicipality.objects.filter(municipality_id=UBERLANDIA).count() == 2


def test_link_revision_form_takes_the_lot_of_the_new_contract(network):
    phase_4 = ContractFactory()
    lot_4 = lot_with(
        contract=phase_4, number=3, members=[(network.carrier_b, "100")], ibge_codes=[UBERLANDIA]
    )
    link = network.link_x_interior
    form = LinkRevisionForm(
        {"link": link.pk, "effective_at": "2026-01-01 00:00:45", "contract": phase_4.pk}
    )
    assert form.is_valid(), form.errors
    revision = form.save()
    assert revision.lot == lot_4
    assert revision.effective_at == datetime(2026, 1, 1, tzinfo=SP)
    refused = LinkRevisionForm(
        {
            "link": network.link_x_metro.pk,
            "effective_at": "2026-01-01 00:00",
            "contract": phase_4.pk,
        }
    )
    assert not refused.is_valid()
    assert set(refused.errors) == {"contract"}


def test_lot_admin_refuses_shares_not_summing_to_100(admin_client, network):
    lot = network.lot_interior
    members = list(lot.members.order_by("position"))
    coverage = list(lot.coverage.order_by("pk"))
    data = {
        "number": lot.number,
        "name": lot.name,
        "members-TOTAL_FORMS": len(members),
        "members-INITIAL_FORMS": len(members),
        "coverage-TOTAL_FORMS": len(coverage),
        "coverage-INITIAL_FORMS": len(coverage),
    }
    for i, member in enumerate(members):
        data |= {
            f"members-{i}-id": member.pk,
            f"members-{i}-lot": lot.pk,
            f"members-{i}-carrier": member.carrier_id,
            f"members-{i}-share": "60" if i == 0 else "30",
            f"members-{i}-position": member.position,
        }
    for i, row in enumerate(coverage):
        data |= {
            f"coverage-{i}-id": row.pk,
            f"coverage-{i}-lot": lot.pk,
            f"coverage-{i}-municipality": row.municipality_id,
        }
    url = reverse("admin:inventory_lot_change", args=[lot.pk])
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.non_form_errors() == [
        "as participações do consórcio somam 90%, não 100%"
    ]
    assert lot.members.get(position=1).share == Decimal("40")

    data["members-1-share"] = "40"
    data["coverage-1-DELETE"] = "on"  # Juiz de Fora: no link there
    assert admin_client.post(url, data).status_code == 302
    assert not lot.coverage.filter(municipality_id=JUIZ_DE_FORA).exists()

    data["coverage-0-DELETE"] = "on"  # Uberlândia has link UDI-0001
    data["coverage-TOTAL_FORMS"] = data["coverage-INITIAL_FORMS"] = 1
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Uberlândia" in response.context["inline_admin_formsets"][1].formset.non_form_errors()[0]
    assert Municipality.objects.get(pk=UBERLANDIA).lots.filter(pk=lot.pk).exists()
