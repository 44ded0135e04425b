"""Use cases: take a session and inputs, apply domain rules, touch models. Never commit."""
