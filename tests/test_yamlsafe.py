"""``yamlsafe.parse_yaml``: plain data with the line of every value, its fast path for scalars
(``_plain``) giving what PyYAML's safe loader gives, and the depth limit at its exact edge."""

from __future__ import annotations

import pytest
import yaml

from portal import yamlsafe
from portal.yamlsafe import MAX_DEPTH, YamlProblem, parse_yaml

DOC = """\
agency: weihai
year: 2023
zero: 0
leading: 01
negative: -3
quoted: "12"
single: '0'
tagged: !!str 34
float: 1.5
yes_word: yes
empty:
tilde: ~
null_word: null
date: 2024-01-22
long: 这是一句很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长的话，超过四十个字
block: |
  两行
  文字
12: a number as a key
~: null as a key
rows:
  - [1, 0, null, "7", 01, 2.0, x]
  - - 3
    - {a: 1, b: [2, 3]}
"""


def test_values_are_what_the_safe_loader_reads_and_lines_are_where_they_start() -> None:
    parsed = parse_yaml(DOC)
    expected = yaml.safe_load(DOC)
    expected = {str(k): v for k, v in expected.items()}  # keys are text in content files
    assert parsed.data == expected
    assert [type(v) for v in parsed.data["rows"][0]] == [int, int, type(None), str, int, float, str]
    assert parsed.data["leading"] == 1 and parsed.data["tagged"] == "34" and parsed.data["quoted"] == "12"
    assert parsed.data["12"] == "a number as a key" and parsed.data["None"] == "null as a key"
    lines = parsed.lines
    assert lines[("year",)] == 2 and lines[("tagged",)] == 8 and lines[("empty",)] == 11
    assert lines[("block",)] == 16 and lines[("rows",)] == 22
    assert lines[("rows", 0)] == 22 and lines[("rows", 0, 6)] == 22  # a flow list's items: its line
    assert lines[("rows", 1, 0)] == 23 and lines[("rows", 1, 1, "b", 1)] == 24


def test_parsing_twice_gives_the_same_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    """The second parse reads scalars through the resolved-tag cache the first filled (empty before
    it: earlier parses in this process have filled the module's)."""
    monkeypatch.setattr(yamlsafe, "_RESOLVED", {})
    first = parse_yaml(DOC)
    assert yamlsafe._RESOLVED  # the first filled it
    second = parse_yaml(DOC)
    assert first.data == second.data and first.lines == second.lines


@pytest.mark.parametrize("scalar", ["1", "x", "null", "[]"])
def test_a_value_at_the_deepest_level_is_read_and_one_deeper_is_refused(scalar: str) -> None:
    """The top mapping is level 0; its value in n nested lists is at level n + 1."""
    fits = "deep: " + "[" * (MAX_DEPTH - 1) + scalar + "]" * (MAX_DEPTH - 1) + "\n"
    node = parse_yaml(fits).data["deep"]
    for _ in range(MAX_DEPTH - 2):
        node = node[0]
    assert node == [yaml.safe_load(scalar)]
    with pytest.raises(YamlProblem, match=f"嵌套超过 {MAX_DEPTH} 层"):
        parse_yaml("deep: " + "[" * MAX_DEPTH + scalar + "]" * MAX_DEPTH + "\n")
    with pytest.raises(YamlProblem, match=f"嵌套超过 {MAX_DEPTH} 层"):
        parse_yaml("deep: " + "{a: " * MAX_DEPTH + scalar + "}" * MAX_DEPTH + "\n")


def test_a_duplicate_key_names_both_lines_even_when_read_fast() -> None:
    with pytest.raises(YamlProblem) as caught:
        parse_yaml("a: 1\nb:\n  c: 2\n  c: 3\n")
    assert (caught.value.message, caught.value.line, caught.value.field) == (
        "字段 'c' 重复出现（第 3 行已有）", 4, "b.c")
