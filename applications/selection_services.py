"""Every write of the selection (urval): a network's rules first.

Each service checks that ``actor`` may lead the network (the views check too; a
management command or an admin action must not slip past) and records ``actor``
in the history.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from applications.models import SelectionRules
from core.audit import acting_as
from municipalities.classification import SIZE_CLASS_CHOICES
from networks.permissions import can_lead
from networks.services import network_update

# Rules ------------------------------------------------------------------------

RULE_FIELDS = (
    "weight_score",
    "weight_need",
    "coverage",
    "coverage_bonus",
    "size_min",
    "size_max",
    "bloc_max_difference",
    "county_max",
    "offer_days",
)
SIZE_CLASS_KEYS = frozenset(key for key, _label in SIZE_CLASS_CHOICES)


def _check_sizes(rules: SelectionRules, *, capacity: int) -> None:
    """The size rules the form checks field by field, checked again for callers without a form."""
    for name in ("size_min", "size_max"):
        limits = getattr(rules, name)
        if not isinstance(limits, dict) or not set(limits) <= SIZE_CLASS_KEYS:
            raise ValidationError({name: _("Unknown size class.")})
        if any(type(n) is not int or not 0 <= n <= capacity for n in limits.values()):
            raise ValidationError({name: _("Each number must be a whole number from 0 to the number of places.")})
    if any(n > rules.size_max.get(key, n) for key, n in rules.size_min.items()):
        raise ValidationError({"size_max": _("A maximum is less than the minimum of its size class.")})
    if sum(rules.size_min.values()) > capacity:
        raise ValidationError({"size_min": _("The minimums add up to more than the number of places.")})


@transaction.atomic
def selection_rules_save(*, network, actor, data: Mapping) -> SelectionRules:
    """Save ``network``'s selection rules (the fields of ``RULE_FIELDS``) and, if given, its ``capacity``.

    The size rules are {size class key: number of places}; a class without a key
    has no rule. Nothing is written when nothing changed, so the history shows
    real changes only.
    """
    if not can_lead(actor, network):
        raise PermissionDenied
    capacity = data.get("capacity")
    if capacity is not None and capacity != network.capacity:
        network_update(actor=actor, network=network, capacity=capacity)
    rules = SelectionRules.objects.select_for_update().filter(network=network).first()
    rules = rules or SelectionRules(network=network)
    before = {name: getattr(rules, name) for name in RULE_FIELDS}
    for name in RULE_FIELDS:
        setattr(rules, name, data.get(name, getattr(rules, name)))  # a missing key keeps its value
    rules.full_clean()
    _check_sizes(rules, capacity=network.capacity)  # also when only the capacity changed
    if rules.pk and before == {name: getattr(rules, name) for name in RULE_FIELDS}:
        return rules
    with acting_as(actor):
        rules.save()
    return rules


@transaction.atomic
def selection_rules_reset(*, network, actor) -> bool:
    """Delete ``network``'s saved rules, so the defaults apply again; False when there were none."""
    if not can_lead(actor, network):
        raise PermissionDenied
    rules = SelectionRules.objects.select_for_update().filter(network=network).first()
    if rules is None:
        return False
    with acting_as(actor):
        rules.delete()
    return True
