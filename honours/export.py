"""xlsx export of the selection statistics (every text cell through core.spreadsheet.safe_cell)."""

import io

import openpyxl

from core.spreadsheet import safe_cell


def statistics_xlsx(s: dict) -> bytes:
    """`s` is selectors.honours_statistics, the same figures the page shows."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "推荐与名额"
    sheet.append(
        ["区县", "学校", "推荐人数", *[f"{lv}通过" for lv in s["levels"]], "校级名额", "终审通过", "荣誉（当前排名）"]
    )
    for r in s["schools"]:
        quota = r["school_quota"]
        sheet.append(
            [
                safe_cell(r["district"]),
                safe_cell(r["school"]),
                r["nominated"],
                *r["approved"],
                f"{quota[0]}/{quota[1]}" if quota else "",
                r["finalists"],
                r["honours"],
            ]
        )
    districts = book.create_sheet("区县汇总")
    districts.append(
        ["区县", "推荐人数", *[f"{lv}通过" for lv in s["levels"]], "区级名额", "终审通过", "荣誉（当前排名）"]
    )
    for r in s["districts"]:
        quota = r["district_quota"]
        districts.append(
            [
                safe_cell(r["district"]),
                r["nominated"],
                *r["approved"],
                f"{quota[0]}/{quota[1]}" if quota else "",
                r["finalists"],
                r["honours"],
            ]
        )
    days = book.create_sheet("每日票数")
    days.append(["日期", "票数"])
    for day, n in s["votes_per_day"]:
        days.append([str(day), n])
    table = book.create_sheet("综合排名")
    table.append(["名次", "姓名", "学校", "有效票数", "投票分", "评审分", "综合成绩", "荣誉"])
    for row in s["standings"]:
        table.append(
            [
                row.rank,
                safe_cell(row.name),
                safe_cell(row.school),
                row.votes,
                float(row.vote_score),
                None if row.panel is None else float(row.panel),
                None if row.combined is None else float(row.combined),
                safe_cell(row.honour),
            ]
        )
    flags = book.create_sheet("异常票")
    flags.append(["状态", "票数"])
    for state, n in s["flags"].items():
        flags.append([safe_cell(state), n])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
