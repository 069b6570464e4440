"""How a holder's name appears on the public verification page."""


def mask_name(name: str) -> str:
    """张小明 → 张*明, 张三 → 张*, 欧阳小明 → 欧**明, 张 → *. Works on characters, so Latin names mask too."""
    name = (name or "").strip()
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def public_holder_name(cert) -> str:
    """What the public verification shows: a unit's name in full (a unit is no private person), a
    person's masked."""
    return cert.holder_name if cert.holder_kind == "unit" else mask_name(cert.holder_name)
