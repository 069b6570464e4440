"""The password hash: Argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane).

Django's default, PBKDF2 with 1,000,000 rounds, costs ~0.35 s of one core per check: a city morning's
logins were half of all the server CPU a student's contest takes (bench/page_costs.py). Argon2id at
these parameters costs ~35 ms, and its memory hardness makes a stolen hash costlier to attack on GPUs
than PBKDF2 does (OWASP Password Storage Cheat Sheet lists both as equivalent minimums; Argon2id first).
Django's own Argon2 settings (100 MiB, 8 lanes) cost about what PBKDF2 does. Stored PBKDF2 hashes stay
valid and are re-hashed with this at the next successful sign-in (settings PASSWORD_HASHERS)."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    """Same algorithm name and encoding as Django's Argon2 hasher, so `must_update` re-hashes any
    stored hash whose parameters differ from these (either way, when they are changed here)."""

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
