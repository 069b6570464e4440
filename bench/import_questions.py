"""Benchmark: full question import vs. the bare openpyxl read of the same file.

    .venv/bin/python bench/import_questions.py [--rows 10000] [--publish]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qs_bench .venv/bin/python bench/import_questions.py

Generates an xlsx with N questions (all four types, every column filled), then in the same process times
(1) the bare read: openpyxl read-only load + iterating every row's values, and (2) the full import:
reading, validating every row (topics, answers, duplicates against the bank) and writing in one
transaction — exactly what the import page's background task and `import_questions` run. The database is
a throwaway test database (Django's test-DB creation), on SQLite unless DATABASE_URL is set.
Target: full import ≤ 3× the bare read, peak RSS < 300 MB."""

import argparse
import gc
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizsite.settings.local")

TOPICS = ["法治教育/宪法", "法治教育/民法典", "心理健康", "党的二十大精神", "禁毒与安全"]
HEADER = ["题型", "题干", *[f"选项{k}" for k in "ABCDEFGH"], "答案", "解析", "专题", "难度", "学段", "出处", "标签"]


def make_rows(n: int):
    for i in range(n):
        kind = i % 4
        topic = TOPICS[i % len(TOPICS)]
        stem = f"第{i}题：根据所学知识，下列关于主题{i % 97}的说法，正确的是（  ）。"
        opts = [""] * 8
        if kind == 0:
            qtype, answer = "单选", "ABCD"[i % 4]
            opts[:4] = [f"选项甲{i}", f"选项乙{i}", f"选项丙{i}", f"选项丁{i}"]
        elif kind == 1:
            qtype, answer = "多选", "A,C,E"
            opts[:6] = [f"说法{j}-{i}" for j in range(6)]
        elif kind == 2:
            qtype, answer = "判断", "对" if i % 3 else "×"
        else:
            qtype, answer = "填空", f"答案{i}|答{i}；第二空{i}"
        yield [qtype, stem, *opts, answer, f"解析：第{i}题的依据和思路说明。", topic, "易中难"[i % 3],
               "初中、高中" if i % 2 else "全部", "《中华人民共和国宪法》", "演示、压测"]  # fmt: skip


def write_xlsx(path: Path, n: int) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("题目")
    ws.append(HEADER)
    for row in make_rows(n):
        ws.append(row)
    wb.save(path)


def bare_read(data: bytes) -> int:
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    count = sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    return count


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--publish", action="store_true", help="import as published (revision 1 for every row)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    from questionbank.models import Question
    from questionbank.services.importing import import_check, import_write

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "bench.xlsx"
            t0 = time.perf_counter()
            write_xlsx(path, args.rows)
            data = path.read_bytes()
            print(f"generated {args.rows} questions: {len(data) / 1048576:.1f} MB in {time.perf_counter() - t0:.2f} s")

        gc.collect()
        t0, c0 = time.perf_counter(), time.process_time()
        rows = bare_read(data)
        bare, bare_cpu = time.perf_counter() - t0, time.process_time() - c0
        assert rows == args.rows + 1, rows

        gc.collect()
        t0, c0 = time.perf_counter(), time.process_time()
        report = import_check(data=data, fmt="xlsx", actor=None)
        assert report.ok, report.error_lines()[:5]
        result = import_write(report=report, actor=None, publish=args.publish)
        full, full_cpu = time.perf_counter() - t0, time.process_time() - c0
        assert result["created"] == args.rows == Question.objects.count()

        vendor = connection.vendor
        print(f"database:      {vendor}")
        print(f"bare read:     {bare:.2f} s wall, {bare_cpu:.2f} s CPU")
        print(
            f"full import:   {full:.2f} s wall, {full_cpu:.2f} s CPU "
            f"(validate + write {args.rows} rows{', published' if args.publish else ''})"
        )
        print(f"ratio:         {full / bare:.2f}x wall, {full_cpu / bare_cpu:.2f}x CPU  (target <= 3x)")
        print(
            f"load average:  {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (wall times stretch on a busy machine)"
        )
        print(f"peak RSS:      {rss_mb():.0f} MB  (target < 300 MB)")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
