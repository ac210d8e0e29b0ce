"""The catalogue's sections: every link key belongs to one place, so a link without `section=` opens exactly
one section, the one its keys belong to (tests/app/test_links.py checks the keys against the drawn pages)."""

import re

import pytest

from gradviz.lessons import LESSONS, Lesson, Section

SLUG = re.compile(r"[a-z][a-z0-9-]*")


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda les: les.name)
def test_sections_are_distinct_and_own_their_keys(lesson: Lesson):
    assert lesson.sections, f"{lesson.name}: a lesson has at least one section"
    slugs = [s.slug for s in lesson.sections]
    titles = [s.title for s in lesson.sections]
    assert len(set(slugs)) == len(slugs) and all(SLUG.fullmatch(s) for s in slugs)
    assert len(set(titles)) == len(titles) and all(titles)
    owned = [k for s in lesson.sections for k in s.keys]
    assert len(set(owned)) == len(owned), f"{lesson.name}: a key owned by two sections"
    assert not set(owned) & set(lesson.keys), f"{lesson.name}: a key both page-wide and a section's"
    assert "section" not in set(owned) | set(lesson.keys)
    for s in lesson.sections:
        assert lesson.section(s.slug) is s
        for key in s.keys:  # an old link carrying one of a section's keys opens that section
            assert lesson.section_for([key]) is s
    assert lesson.section_for([]) is lesson.sections[0]
    assert lesson.section_for(lesson.keys) is lesson.sections[0]  # sidebar keys open the first section


def test_a_link_with_keys_of_two_sections_opens_the_first_of_them():
    lesson = Lesson("app_pages/x.py", "X", ":material/x:", "x", sections=(
        Section("a", "A"), Section("b", "B", ("kb",)), Section("c", "C", ("kc",))))  # fmt: skip
    assert lesson.section_for(["kc", "kb", "other"]).slug == "b"
    assert lesson.section_for(["kc"]).slug == "c" and lesson.name == "x"
