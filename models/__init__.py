"""Data and invariants: Tortoise models and the pure rules of the campaign."""

MODEL_MODULES = [
    "models.organization",
    "models.account",
    "models.audit",
    "models.campaign",
    "models.rectification",
    "models.notification",
    "models.progress",
    "models.spot_check",
]
