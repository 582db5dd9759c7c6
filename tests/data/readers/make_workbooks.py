"""Regenerates the XLSX fixtures (synthetic content mirroring released layouts). Run from this folder."""

from openpyxl import Workbook


def four_lists() -> None:
    book = Workbook()
    book.active.title = "Request"
    book["Request"].append(["Public records request: ALPR sharing"])
    sheets = {
        "A1": ["ORGANIZATION NAME", "ALDER FALLS OR PD", "CEDAR BEND OR PD (FLEX)", "US POSTAL INSPECTION SERVICE"],
        "A2": ["ORGANIZATION NAME", "ALDER FALLS OR PD", "SAN DIEGO SECTOR BORDER PATROL (CA)", "ATF NATIONAL ACCOUNT"],
        "A3": ["ORGANIZATION NAME", "BIRCH COUNTY WA SO"],
        "A4": ["ORGANIZATION NAME", "HSI MASTER"],
        "Users": ["User Name", "jdoe", "rroe"],
    }
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for value in rows:
            sheet.append([value])
    book.save("four-lists.xlsx")


def shared_networks() -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "SharedNetworks"
    sheet.append(["Organization Name", "Networks Shared With Me", "Networks I'm Sharing"])
    sheet.append(["Alder Falls OR PD", "Alder Falls OR PD - LPR", "Home Town OR PD - LPR"])
    sheet.append(["[Federal] Example Federal Agency", None, "Home Town OR PD - LPR"])
    book.save("shared-networks.xlsx")


if __name__ == "__main__":
    four_lists()
    shared_networks()
