"""Rules for accounts and venture applications: emails, passwords, business numbers."""

from __future__ import annotations

MIN_PASSWORD_LENGTH = 10
BRN_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)


def normalise_email(email: str) -> str:
    """Compare emails case-insensitively: store them trimmed and lower-case."""
    return email.strip().lower()


def password_problem(password: str, email: str) -> str | None:
    """Return why a password is too weak (a short code), or None if it will do."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return "too_short"
    if password.strip().lower() == normalise_email(email) or len(set(password)) < 4:
        return "too_guessable"
    return None


def brn_digits(number: str) -> str:
    return "".join(ch for ch in number if ch.isdigit())


def business_number_check_digit(first_nine: str) -> int:
    """The tenth digit that makes nine digits a valid business registration number."""
    digits = [int(d) for d in first_nine]
    total = sum(d * w for d, w in zip(digits, BRN_WEIGHTS, strict=True))
    total += digits[8] * 5 // 10
    return (10 - total % 10) % 10


def valid_business_number(number: str) -> bool:
    """Check a Korean business registration number (사업자등록번호, 10 digits, check digit last).

    The check digit: weight the first nine digits by 1,3,7,1,3,7,1,3,5, add the tens of the
    ninth digit times 5, and take ten minus the sum's last digit (mod 10).
    """
    digits = brn_digits(number)
    return len(digits) == 10 and business_number_check_digit(digits[:9]) == int(digits[9])


def format_business_number(number: str) -> str:
    """Write a business number the usual way: 123-45-67890."""
    d = brn_digits(number)
    return f"{d[:3]}-{d[3:5]}-{d[5:]}"
