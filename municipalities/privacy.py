# The register describes municipalities and regions (legal persons). Invoice
# e-mail addresses are functional addresses (faktura@kommun.se), entered as such;
# not personal data. The uploaded import files hold register facts only, but
# each records who uploaded and applied it.
from core.privacy import PersonalData, register

register(
    PersonalData(
        model="municipalities.RegisterImport",
        fields=("uploaded_by", "applied_by", "created_at", "applied_at"),
        purpose="Audit trail of changes to the municipality register: who uploaded and applied a CSV import.",
        retention="Kept as long as the register history; the user link is cleared when the account is erased.",
        subject_lookup="uploaded_by",
    )
)
