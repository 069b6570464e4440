"""Roster files for the import tests: build xlsx/csv bytes in memory."""

import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

HEADERS = ["姓名", "学号", "学校", "年级", "班级", "性别", "手机号"]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_bytes(rows, headers=HEADERS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    if headers:
        sheet.append(headers)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_text(rows, headers=HEADERS) -> str:
    lines = [",".join(headers)] if headers else []
    lines += [",".join(str(c) for c in row) for row in rows]
    return "\r\n".join(lines) + "\r\n"


def xlsx_upload(rows, headers=HEADERS, name="名单.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes(rows, headers), content_type=XLSX_TYPE)


def csv_upload(rows, headers=HEADERS, encoding="utf-8", name="名单.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, csv_text(rows, headers).encode(encoding), content_type="text/csv")


def read_xlsx(data: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]
