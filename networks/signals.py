"""Signals of the networks app, for the apps above it (imports flow one way)."""

from django.dispatch import Signal

# Sent by services.membership_leave inside its transaction, with ``membership``
# (status LEFT). applications offers the free place to the waiting list.
membership_left = Signal()
