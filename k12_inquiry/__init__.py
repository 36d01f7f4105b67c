"""k12-inquiry: California district indicators from raw CALPADS and CAASPP extracts."""

__version__ = "0.1.0"
