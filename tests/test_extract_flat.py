"""A report flattened onto one line is cut back into rows, and never loses or moves a digit."""

from __future__ import annotations

from portal.extract.flat import cut_line, unflatten

PAD = "本报告根据条例编制。" * 40  # a flattened page is long


def test_rows_are_cut_before_their_labels_and_numbering() -> None:
    line = PAD + "（三）不予公开1.属于国家秘密00000002.其他法律行政法规禁止公开10000013.危及“三安全一稳定”0000000"
    rows = cut_line(line)
    assert rows[-4:] == ["（三）不予公开", "1.属于国家秘密0000000", "2.其他法律行政法规禁止公开1000001",
                         "3.危及“三安全一稳定”0000000"]
    assert "".join(rows) == line


def test_a_digit_without_a_separator_is_never_taken_for_a_numbering() -> None:
    # "2其他法律": the 2 may be the last cell of the row before; it stays with that row.
    rows = cut_line(PAD + "1.属于国家秘密00000002其他法律行政法规禁止公开1000001（七）总计1000001")
    assert "1.属于国家秘密00000002" in rows
    assert "其他法律行政法规禁止公开1000001" in rows


def test_section_headings_stand_alone_and_short_lines_are_untouched() -> None:
    line = (PAD + "四、政府信息公开行政复议、行政诉讼情况行政复议结果维持000000000000000 "
            "五、存在的主要问题及改进情况 无。（一）予以公开")
    rows = cut_line(line)
    assert "四、政府信息公开行政复议、行政诉讼情况" in rows and "五、存在的主要问题及改进情况" in rows
    short = ["（一）予以公开\t5\t0\t0\t0\t0\t0\t5", "1.属于国家秘密00000002.其他法律"]
    assert unflatten(short) == short


def test_the_word_other_alone_does_not_cut_a_heading() -> None:
    rows = cut_line(PAD + "（六）其他处理0000000 六、其他需要报告的事项 无。（七）总计0000000")
    assert "六、其他需要报告的事项" in rows


def test_contact_details_glued_together_in_a_flattened_page() -> None:
    from portal.extract.meta import read_contact

    contact = read_contact("联系地址：某县北厝镇金井湾片区管委会大楼东附属楼7楼邮 编：350400电 话：0591-23162606"
                           "传 真：0591-23162607。")
    assert contact["address"] == "某县北厝镇金井湾片区管委会大楼东附属楼7楼"
    assert (contact["postcode"], contact["phone"], contact["fax"]) == ("350400", "0591-23162606", "0591-23162607")


def test_one_number_for_phone_and_fax() -> None:
    from portal.extract.meta import read_contact

    contact = read_contact("邮编：350400；电话/传真：0591-23165370；电子邮箱：x@example.cn。")
    assert (contact["phone"], contact["fax"]) == ("0591-23165370", "0591-23165370")
