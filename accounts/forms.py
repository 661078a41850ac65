from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from municipalities.models import Municipality


def active_municipalities():
    return Municipality.objects.filter(is_active=True).order_by("name", "code")


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form (allauth adds e-mail and password)."""

    name = forms.CharField(label=_("Name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    phone = forms.CharField(
        label=_("Phone"), max_length=40, required=False, widget=forms.TextInput(attrs={"autocomplete": "tel"})
    )
    title = forms.CharField(
        label=_("Job title"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    requested_municipality = forms.ModelChoiceField(
        label=_("Municipality or region you represent"),
        queryset=Municipality.objects.none(),
        required=False,
        help_text=_(
            "Optional. A network lead confirms the link; an address on the municipality's own "
            "e-mail domain is linked automatically when you verify it."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requested_municipality"].queryset = active_municipalities()

    def signup(self, request, user):
        user.name = self.cleaned_data["name"]
        user.phone = self.cleaned_data.get("phone", "")
        user.title = self.cleaned_data.get("title", "")
        user.requested_municipality = self.cleaned_data.get("requested_municipality")
        user.save(update_fields=["name", "phone", "title", "requested_municipality"])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "phone", "title"]
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel"}),
            "title": forms.TextInput(attrs={"autocomplete": "organization-title"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True


class RepresentativeLinkForm(forms.Form):
    """Link an existing user, found by e-mail, to a municipality."""

    email = forms.EmailField(label=_("E-mail address of the user"), max_length=254)
    municipality = forms.ModelChoiceField(label=_("Municipality or region"), queryset=Municipality.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = active_municipalities()

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise forms.ValidationError(_("There is no account with this e-mail address."), code="unknown_user")
        self.user = user
        return email


class RepresentativeUserForm(forms.Form):
    """A user id posted from the representatives page (approve, reject, unlink)."""

    user = forms.IntegerField(min_value=1, max_value=2**63 - 1)
