"""The done-when of the roster: a 500-row file with planted bad rows is refused with every bad row
named; fixed, it loads; loaded again, nothing is duplicated; then it is found, filtered and exported."""

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from deputies import roster
from deputies.models import Deputy, Mandate
from tests.factories.deputies import DeputyFactory

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = [h for _, h, _ in roster.COLUMNS]


def make_row(i, *, region="湖北省/恩施土家族苗族自治州/宣恩县/珠山镇", level="乡(镇)", **overrides):
    row = {
        "姓名": "王李张刘陈杨黄赵"[i % 8] + "明华建国春兰海军"[(i // 8) % 8] + "一二三四五六七八九十"[(i // 64) % 10],
        "性别": "男" if i % 2 else "女",
        "民族": "土家族",
        "出生日期": (date(1960, 1, 1) + timedelta(days=37 * i)).isoformat(),
        "界别/职业": "农业" if i % 3 else "教育",
        "工作单位及职务": f"第{i}村委会",
        "手机号": f"139{i:08d}",
        "所在区划": region,
        "代表层级": level,
        "人大所在区划": "",
        "届次": "第十九届",
        "选举单位/选区": f"第{i % 20 + 1}选区",
        "任期开始": "2021-10-01",
        "任期结束": "",
    }
    row.update(overrides)
    return row


def xlsx_file(rows, name="roster.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([row.get(h, "") for h in HEADERS])
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type=XLSX)


def csv_file(rows, *, encoding="utf-8-sig", name="roster.csv"):
    lines = [",".join(HEADERS)] + [",".join(str(row.get(h, "")) for h in HEADERS) for row in rows]
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode(encoding), content_type="text/csv")


def roster_500():
    rows = []
    for i in range(500):
        if i % 10 == 0:
            # Every tenth person also holds a county seat: a second row repeating the person.
            rows.append(make_row(i, level="县(市、区)"))
        rows.append(make_row(i))
    return rows[:500]


@pytest.fixture
def planted(tree):
    rows = roster_500()
    bad = {
        7: {"姓名": ""},
        42: {"代表层级": "村"},
        99: {"所在区划": "湖北省/荆州市/洪湖市/峰口镇"},  # outside the importer's county
        150: {"手机号": "12345"},
        222: {"出生日期": "2099-01-01"},
        300: {"出生日期": "1975-13-40"},
        401: {"所在区划": "湖北省/不存在县"},
    }
    for index, change in bad.items():
        rows[index] = {**rows[index], **change}
    return rows, bad


def test_a_roster_with_planted_bad_rows_is_refused_then_loads_then_does_not_duplicate(client_as, xuanen_office, planted, tree):
    rows, bad = planted
    client = client_as(xuanen_office)

    # given a 500-row roster with seven bad rows
    response = client.post("/deputies/import/", {"file": xlsx_file(rows)})

    # then nothing is imported and every bad row is named (row numbers as Excel shows them)
    assert response.status_code == 400
    assert Deputy.objects.count() == 0
    result = response.context["result"]
    assert sorted({e.row for e in result.errors}) == sorted(i + 2 for i in bad)
    body = response.content.decode()
    for index in bad:
        assert f"<td class=\"num\">{index + 2}</td>" in body
    assert "不在您的管辖范围内" in body and "手机号格式不对" in body and "出生日期不能晚于今天" in body

    # and the problems can be downloaded
    report = client.get("/deputies/import/errors/")
    assert report.status_code == 200
    assert report.content.decode("utf-8-sig").count("\n") == len(result.errors) + 1

    # when the bad rows are fixed
    fixed = roster_500()
    response = client.post("/deputies/import/", {"file": xlsx_file(fixed)})
    assert response.status_code == 302
    people = len({(r["姓名"], r["出生日期"]) for r in fixed})
    assert Deputy.objects.count() == people
    assert Mandate.objects.count() == 500

    # and loaded again, nothing is duplicated and the phone change is an update
    fixed[3]["手机号"] = "13700000003"
    response = client.post("/deputies/import/", {"file": xlsx_file(fixed)})
    assert response.status_code == 302
    assert Deputy.objects.count() == people
    assert Mandate.objects.count() == 500
    assert Deputy.objects.get(name=fixed[3]["姓名"], birth_date=fixed[3]["出生日期"]).phone == "13700000003"

    # then the office finds (by pinyin initials), filters and exports the roster
    someone = Deputy.objects.order_by("id").first()
    found = client.get("/deputies/", {"q": someone.name_initials})
    assert someone.name in found.content.decode()
    county = client.get("/deputies/", {"level": "county"})
    assert county.context["page_obj"].paginator.count == len({(r["姓名"], r["出生日期"]) for r in fixed if r["代表层级"] == "县(市、区)"})
    export = client.get("/deputies/export/", {"level": "county", "sector": "教育"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    exported = list(sheet.iter_rows(values_only=True))
    assert list(exported[0][: len(HEADERS)]) == HEADERS
    expected = Deputy.objects.filter(mandates__level="county", sector__icontains="教育").distinct()
    assert {r[0] for r in exported[1:]} == set(expected.values_list("name", flat=True))


def test_it_updates_the_same_person_instead_of_adding_one(xuanen_office, tree):
    existing = DeputyFactory(name="向明华", birth_date=date(1975, 3, 8), region=tree.zhushan, phone="13800000000", sector="农业")
    result = roster.import_roster(
        actor=xuanen_office,
        fileobj=xlsx_file([make_row(1, 姓名="向明华", 出生日期="1975/3/8", 手机号="13900000001", **{"界别/职业": ""})]),
        filename="r.xlsx",
    )
    assert result.ok and result.created == 0 and result.updated == 1
    existing.refresh_from_db()
    assert existing.phone == "13900000001"
    assert existing.sector == "农业"  # a blank optional cell keeps the stored value
    assert existing.history.first().history_change_reason == "名册导入"


def test_it_infers_the_congress_region_from_the_level(xuanen_office, tree):
    rows = [make_row(1, level="县(市、区)"), make_row(1, level="市(州)"), make_row(1, level="省"), make_row(1, level="全国人大代表")]
    result = roster.import_roster(actor=xuanen_office, fileobj=xlsx_file(rows), filename="r.xlsx")
    assert result.ok, result.errors
    congress = dict(Mandate.objects.values_list("level", "congress_region__code"))
    assert congress == {"county": "422825", "city": "422800", "provincial": "420000", "national": "420000"}


def test_it_accepts_a_region_code_and_a_gb18030_csv(xuanen_office, tree):
    file = csv_file([make_row(1, region="422825101")], encoding="gb18030")
    result = roster.import_roster(actor=xuanen_office, fileobj=file, filename="r.csv")
    assert result.ok, result.errors
    assert Deputy.objects.get().region == tree.jiaoyuan


def test_it_names_a_row_repeating_a_seat(xuanen_office, tree):
    result = roster.import_roster(actor=xuanen_office, fileobj=xlsx_file([make_row(1), make_row(1)]), filename="r.xlsx")
    assert [(e.row, e.column) for e in result.errors] == [(3, "届次")]
    assert "第2行" in result.errors[0].message


def test_it_refuses_a_file_without_the_required_columns(xuanen_office, client_as, tree):
    file = SimpleUploadedFile("r.csv", "名字,电话\n张三,13800000000\n".encode(), content_type="text/csv")
    response = client_as(xuanen_office).post("/deputies/import/", {"file": file})
    assert "缺少必填列" in response.content.decode()
    assert not Deputy.objects.exists()


def test_it_refuses_an_import_by_township_staff(client_as, xuanen_staff, tree):
    response = client_as(xuanen_staff).post("/deputies/import/", {"file": xlsx_file([make_row(1)])})
    assert response.status_code == 403
    assert not Deputy.objects.exists()


def test_the_template_has_the_chinese_headers(client_as, xuanen_office):
    response = client_as(xuanen_office).get("/deputies/import/template/")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == HEADERS


def test_the_command_imports_a_file_as_a_user(tmp_path, xuanen_office, tree):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(xlsx_file([make_row(1), make_row(2)]).read())
    out = io.StringIO()
    call_command("import_roster", str(path), "--user", "xuanen", stdout=out)
    assert Deputy.objects.count() == 2
    assert "新增代表 2" in out.getvalue()


def test_the_command_lists_bad_rows_and_changes_nothing(tmp_path, xuanen_office, tree):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(xlsx_file([make_row(1), make_row(2, 手机号="1")]).read())
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_roster", str(path), "--user", "xuanen", stdout=out)
    assert "第3行" in out.getvalue()
    assert not Deputy.objects.exists()


def test_the_import_takes_a_constant_number_of_queries(xuanen_office, tree, django_assert_max_num_queries):
    rows = [make_row(i) for i in range(300)]
    with django_assert_max_num_queries(40):
        result = roster.import_roster(actor=xuanen_office, fileobj=xlsx_file(rows), filename="r.xlsx")
    assert result.created == 300


def test_a_re_import_takes_a_constant_number_of_queries(xuanen_office, tree, django_assert_max_num_queries):
    rows = [make_row(i) for i in range(300)]
    roster.import_roster(actor=xuanen_office, fileobj=xlsx_file(rows), filename="r.xlsx")
    moved = [make_row(i, region="湖北省/恩施土家族苗族自治州/宣恩县/椒园镇") for i in range(300)]
    with django_assert_max_num_queries(40):
        result = roster.import_roster(actor=xuanen_office, fileobj=xlsx_file(moved), filename="r.xlsx")
    assert (result.created, result.updated) == (0, 300)
    assert Deputy.objects.filter(region=tree.jiaoyuan).count() == 300


def test_an_upload_without_a_file_says_the_file_is_missing(client_as, xuanen_office):
    response = client_as(xuanen_office).post("/deputies/import/", {})
    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert 'class="error"' in response.content.decode()
