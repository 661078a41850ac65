"""Personal data held by municipalities (see core.privacy).

The register describes municipalities and regions (legal persons). Invoice e-mail addresses are functional
addresses (faktura@kommun.se), entered as such; the buyer reference may name a person. The uploaded import files
hold register facts only, but each records who uploaded and applied it.
"""

from django.utils.translation import gettext_lazy as _

from core.privacy import PersonalData, register

KIND = _("Municipality register")
AUDIT = _("The register's audit trail; it names the anonymised account.")

register(
    PersonalData(
        model="municipalities.Municipality",
        fields=("buyer_reference", "invoice_email"),
        purpose=_("The municipality's invoice reference, which may name a person."),
        retention=_("Until the municipality changes it."),
        reference_fields=("buyer_reference", "invoice_email"),
        kind=KIND,
        keep_reason=_("The register of municipalities; the person's name is replaced."),
    ),
    PersonalData(
        model="municipalities.MajorityImport",
        fields=("uploaded_by", "applied_by", "created_at", "applied_at"),
        purpose=_("Audit trail of political majority imports: who uploaded and applied a CSV file."),
        retention=_("Kept as long as the register history."),
        kind=KIND,
        keep_reason=AUDIT,
    ),
    PersonalData(
        model="municipalities.RegisterImport",
        fields=("uploaded_by", "applied_by", "created_at", "applied_at"),
        purpose=_("Audit trail of changes to the municipality register: who uploaded and applied a CSV import."),
        retention=_("Kept as long as the register history."),
        kind=KIND,
        keep_reason=AUDIT,
    ),
    # An efficiency model's "name" is the model's, not a person's; who created it is recorded.
    PersonalData(
        model="municipalities.EfficiencyModel",
        fields=("created_by", "created_at"),
        purpose=_("Who created an efficiency model, shown in its history."),
        retention=_("Kept with the model."),
        kind=KIND,
        keep_reason=AUDIT,
    ),
)
