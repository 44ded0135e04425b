"""Blueprints, one per area of the shop: forms and small views."""
