import pytest
from django.core.exceptions import ValidationError

from tests.factories import municipality

pytestmark = pytest.mark.django_db


def test_orgnr_with_bad_check_digit_is_rejected_by_full_clean():
    stockholm = municipality("0180")
    stockholm.organisation_number = "2120000143"

    with pytest.raises(ValidationError) as excinfo:
        stockholm.full_clean()

    assert "organisation_number" in excinfo.value.message_dict


def test_orgnr_valid_with_hyphen_is_normalised_and_derives_peppol_id():
    stockholm = municipality("0180")
    stockholm.organisation_number = "212000-0142"
    stockholm.peppol_id = ""

    stockholm.full_clean()
    stockholm.save()

    stockholm.refresh_from_db()
    assert stockholm.organisation_number == "2120000142"
    assert stockholm.organisation_number_display == "212000-0142"
    assert stockholm.peppol_id == "0007:2120000142"


def test_peppol_id_must_have_0007_prefix():
    stockholm = municipality("0180")
    stockholm.peppol_id = "0088:2120000142"

    with pytest.raises(ValidationError) as excinfo:
        stockholm.full_clean()

    assert "peppol_id" in excinfo.value.message_dict
