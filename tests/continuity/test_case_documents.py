"""Removing a wrongly uploaded document from a fördjupad-uppföljning case: the team confirms, then posts; the file is
gone (its bytes lived in its row), the history says what was removed, by whom and why; nobody outside the team can
reach the confirmation or the removal (404), and removing twice does no harm."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from dialogs.models.cases import CaseDocument, CaseEntryKind
from dialogs.services import cases as services
from tests.continuity.factories import case

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def uploaded(world):
    return services.case_document_add(case=case(world), user=world.user("bestallare"), name="fel-vardcentral.pdf", data=PDF)


def test_the_team_confirms_and_removes_a_document_and_the_history_says_so(world, client_for, uploaded):
    client = client_for("utveckling")
    detail = client.get(reverse("dialogs:case_detail", args=[uploaded.case_id])).content.decode()
    url = reverse("dialogs:case_document_delete", args=[uploaded.pk])
    assert url in detail
    confirmation = client.get(url)
    assert confirmation.status_code == 200 and "fel-vardcentral.pdf" in confirmation.content.decode()
    assert CaseDocument.objects.filter(pk=uploaded.pk).exists()  # a GET never writes
    response = client.post(url, {"reason": "Hör till ett annat ärende."})
    assert response.status_code == 302 and response["Location"] == reverse("dialogs:case_detail", args=[uploaded.case_id])
    assert not CaseDocument.objects.filter(pk=uploaded.pk).exists()
    entry = uploaded.case.entries.order_by("-pk").first()
    assert entry.kind == CaseEntryKind.DOCUMENT_REMOVED and entry.user == world.user("utveckling")
    assert "fel-vardcentral.pdf" in entry.text and "Hör till ett annat ärende." in entry.text
    page = client.get(reverse("dialogs:case_detail", args=[uploaded.case_id])).content.decode()
    assert "dokument borttaget" in page.casefold() and reverse("dialogs:case_document_download", args=[uploaded.pk]) not in page
    assert client.get(reverse("dialogs:case_document_download", args=[uploaded.pk])).status_code == 404


def test_removing_twice_removes_once(world, client_for, uploaded):
    client = client_for("admin")
    url = reverse("dialogs:case_document_delete", args=[uploaded.pk])
    assert client.post(url, {}).status_code == 302
    assert client.post(url, {}).status_code == 404  # already gone: nothing to find
    assert uploaded.case.entries.filter(kind=CaseEntryKind.DOCUMENT_REMOVED).count() == 1


@pytest.mark.parametrize("persona", ["staff_a1", "staff_a2", "outsider", "national"])
def test_nobody_outside_the_team_can_reach_or_remove_a_document(world, client_for, uploaded, persona):
    client = client_for(persona)
    url = reverse("dialogs:case_document_delete", args=[uploaded.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "x"}).status_code == 404
    assert CaseDocument.objects.filter(pk=uploaded.pk).exists()


def test_the_service_refuses_clinic_staff(world, uploaded):
    with pytest.raises(PermissionDenied):
        services.case_document_delete(document=uploaded, user=world.user("staff_a1"))
    assert CaseDocument.objects.filter(pk=uploaded.pk).exists()

