import io

from deputies.roster import RosterFileError, read_rows


def test_a_stray_carriage_return_in_a_csv_is_a_clear_refusal_not_a_crash():
    body = "姓名,出生日期\n张三\r李,1970-01-01\n".encode()
    # whatever the csv module makes of it, the caller gets rows or a RosterFileError — never csv.Error
    try:
        list(read_rows(io.BytesIO(body), "roster.csv"))
    except RosterFileError as exc:
        assert "CSV" in str(exc) or "缺少" in str(exc)


def test_a_line_break_inside_a_quoted_cell_is_kept():
    body = '姓名,出生日期,所在区划,代表层级,人大所在区划,届次,工作单位及职务\n张三,1970-01-01,422825100,县(市、区),422825,第十届,"宣恩县\n珠山镇"\n'.encode()
    rows = list(read_rows(io.BytesIO(body), "roster.csv"))
    assert len(rows) == 1
    assert "宣恩县\n珠山镇" in rows[0][1].values()
