"""Results typed into the form stay in the analyst's region (issue 16 item 6): a record under
another region's code is refused, and one under the source number another region's record holds
is refused by that number, never taken as a correction that moves that region's record into the
analyst's; the other region's record is left as it was."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from senim.core.models import Region
from senim.results import services
from senim.results.errors import FileRejected
from senim.results.models import DrugSeizure
from tests.results.conftest import csv_file

FORM = {
    "source_system": "dn",
    "source_number": "F-1",
    "seized_on": "2025-04-01",
    "region": "KZ-71",
    "drug_kind": "heroin",
    "weight_kg": "2.5",
}


def test_another_regions_record_is_neither_written_nor_moved_by_the_form(
    users: Any, client_for: Any
) -> None:
    fields = {k: v for k, v in FORM.items() if k != "source_system"}
    services.result_enter(
        user=users["national"], kind="drug_seizures", values=fields, source_system="dn"
    )
    url = reverse("results-list", args=["drug_seizures"])
    analyst = client_for(users["almaty"])
    elsewhere = analyst.post(url, FORM | {"source_number": "F-2"})
    assert elsewhere.status_code == 422 and elsewhere.context["error"].field == "region"
    taken = analyst.post(url, FORM | {"region": "KZ-75", "weight_kg": "0.5"})
    assert taken.status_code == 422 and taken.context["error"].field == "source_number"
    assert b"This source number is taken" in taken.content
    # A file is refused by that row alike, and nothing of it is stored.
    rows = "source_number,seized_on,region,drug_kind,weight_kg\n"
    rows += "F-9,2025-04-01,KZ-75,heroin,1\nF-1,2025-04-01,KZ-75,heroin,0.5\n"
    with pytest.raises(FileRejected) as refused:
        services.results_load(
            user=users["almaty"],
            kind="drug_seizures",
            handle=csv_file(rows),
            filename="rows.csv",
            source_system="dn",
        )
    assert [(e.row, e.field) for e in refused.value.errors] == [(3, "source_number")]
    theirs = DrugSeizure.objects.get()
    assert theirs.region == Region.objects.get(iso="KZ-71")
    assert theirs.weight_kg == Decimal("2.500")
    # The analyst's own number is taken; a correction of their own record is too.
    assert analyst.post(url, FORM | {"region": "KZ-75", "source_number": "F-3"}).status_code == 200
    fixed = analyst.post(url, FORM | {"region": "KZ-75", "source_number": "F-3", "weight_kg": "3"})
    assert fixed.status_code == 200
    assert DrugSeizure.objects.get(external_id="F-3").weight_kg == Decimal("3.000")
    assert DrugSeizure.objects.count() == 2
