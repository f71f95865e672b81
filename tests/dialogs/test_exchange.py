"""The guide exchange format: reading a document collects every problem; export → import → export is
byte-identical."""

import json

import pytest

from dialogs.exchange import GuideDocumentError, parse_document
from tests.dialogs.factories import SMALL_GUIDE, as_bytes, small_document


def problems_of(content) -> list[str]:
    with pytest.raises(GuideDocumentError) as caught:
        parse_document(content)
    return caught.value.problems


def test_a_valid_document_reads_back_to_the_same_json():
    document = parse_document(as_bytes(SMALL_GUIDE))
    assert document.to_json() == json.dumps(SMALL_GUIDE, ensure_ascii=False, indent=2) + "\n"


def test_malformed_json_names_line_and_column():
    [problem] = problems_of(b'{"format": "primarvardsuppfoljning/guide",\n "format_version": 1,,}')
    assert "inte giltig JSON (rad 2" in problem


def test_text_that_is_not_utf8_is_refused():
    assert problems_of("{}".encode("utf-16")) == ["Filen är inte kodad som UTF-8."]


def test_wrong_format_and_version_are_refused():
    assert "”format” ska vara ”primarvardsuppfoljning/guide”" in problems_of(as_bytes(small_document(format="x")))[0]
    assert "Formatversion 2 stöds inte" in problems_of(as_bytes(small_document(format_version=2)))[0]


def test_unknown_answer_kind_duplicate_key_and_unknown_field_are_all_listed():
    document = small_document()
    p1_questions = document["sections"][0]["questions"]
    p1_questions[0]["kind"] = "scale"
    p1_questions[1]["key"] = "p1-q03"
    p1_questions[2]["colour"] = "red"
    problems = problems_of(as_bytes(document))
    assert any("Avsnitt 1 (p1) › fråga 1 (p1-q01): okänd svarstyp ”scale”" in problem for problem in problems)
    assert "Nyckeln ”p1-q03” används av flera frågor." in problems
    assert any("okänt fält ”colour”" in problem for problem in problems)


def test_duplicate_member_names_in_one_object_are_refused():
    content = as_bytes(SMALL_GUIDE).replace(b'"label": "Test 1",', b'"label": "Test 1", "label": "Test 2",', 1)
    assert "förekommer två gånger" in problems_of(content)[0]


def test_keys_times_links_and_agenda_references_are_checked():
    document = small_document()
    document["agenda"][0]["start"] = "8.30"
    document["agenda"][1]["sections"] = ["p9"]
    document["sections"][1]["subsections"][0]["key"] = "P4 Organisation"
    document["sections"][0]["questions"][2]["data_sources"][0]["url"] = "javascript:alert(1)"
    problems = "\n".join(problems_of(as_bytes(document)))
    assert "”start” ska vara ett klockslag som ”08:30”" in problems
    assert "avsnittet ”p9” finns inte i dokumentet" in problems
    assert "nyckeln ”P4 Organisation” får bara innehålla a–z" in problems
    assert "länken ska börja med http:// eller https://" in problems


def test_missing_fields_and_wrong_types_are_named():
    document = small_document()
    del document["sections"][0]["questions"][0]["followups"]
    document["sections"][0]["optional"] = "nej"
    document["guide"]["source_year"] = "2021"
    problems = "\n".join(problems_of(as_bytes(document)))
    assert "fältet ”followups” saknas" in problems
    assert "”optional” ska vara true eller false" in problems
    assert "”source_year” ska vara ett årtal eller null" in problems
