from decimal import Decimal

import pytest

from honours.models import QuotaRounding
from honours.services.quotas import enrolled_count, quota_for, quota_limit, unit_for

from .factories import build_world, make_campaign

pytestmark = pytest.mark.django_db


def test_per_mille_quota_counts_enrolled_students_of_the_grade_bands_and_rounds_as_the_rules_say():
    w = build_world(students_per_class=5)  # per district: grade 5 (primary_upper) and grade 8 (junior), 5 each
    campaign = make_campaign(w, grade_bands=["primary_upper"])
    level = campaign.levels.get(kind="district")
    level.quota_fixed = None
    level.quota_per_mille = Decimal("300")  # 5 × 0.3 = 1.5
    district = w.districts[0]
    assert enrolled_count(unit=district, grade_bands=["primary_upper"]) == 5
    assert enrolled_count(unit=district, grade_bands=["primary_upper", "junior"]) == 10
    level.quota_rounding = QuotaRounding.ROUND
    assert quota_limit(level=level, unit=district) == 2
    level.quota_rounding = QuotaRounding.FLOOR
    assert quota_limit(level=level, unit=district) == 1
    level.quota_rounding = QuotaRounding.CEIL
    level.quota_per_mille = Decimal("200")  # exactly 1.0
    assert quota_limit(level=level, unit=district) == 1
    level.quota_per_mille, level.quota_minimum = Decimal("1"), 3
    assert quota_limit(level=level, unit=district) == 3
    level.save()
    assert quota_for(level=level, unit=district).limit == 3


def test_unit_of_a_school_at_each_level():
    w = build_world()
    campaign = make_campaign(w, levels=("school", "town", "district", "city"))
    school = w.schools[0]
    got = {lv.kind: unit_for(level=lv, school=school) for lv in campaign.levels.all()}
    assert got == {"school": school, "town": w.towns[0], "district": w.districts[0], "city": w.city}
