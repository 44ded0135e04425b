"""Plain-Python shop rules: money, pricing, donations, stock. No Flask, no database session."""
