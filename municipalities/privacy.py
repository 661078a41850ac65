# The register describes municipalities and regions (legal persons). Invoice
# e-mail addresses are functional addresses (faktura@kommun.se), entered as such;
# not personal data. The uploaded import files hold register facts only, but
# each records who uploaded and applied it.
from core.privacy import PersonalData, register

register(
    PersonalData(
        model="municipalities.MajorityImport",
        fields=("uploaded_by", "applied_by", "created_at", "applied_at"),
        purpose="Audit trail of political majority imports: who uploaded and applied a CSV file.",
        retention="Kept as long as the register history; the user link is cleared when the account is erased.",
        subject_lookup="uploaded_by",
    )
)

register(
    PersonalData(
        model="municipalities.RegisterImport",
        fields=("uploaded_by", "applied_by", "created_at", "applied_at"),
        purpose="Audit trail of changes to the municipality register: who uploaded and applied a CSV import.",
        retention="Kept as long as the register history; the user link is cleared when the account is erased.",
        subject_lookup="uploaded_by",
    )
)

# An efficiency model's "name" is the model's, not a person's; who created it is recorded.
register(
    PersonalData(
        model="municipalities.EfficiencyModel",
        fields=("created_by", "created_at"),
        purpose="Who created an efficiency model, shown in its history.",
        retention="Kept with the model; the user link is cleared when the account is erased.",
        subject_lookup="created_by",
    )
)
