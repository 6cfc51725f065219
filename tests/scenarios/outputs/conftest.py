"""LibreOffice for the results workbook's round trip through a real spreadsheet program."""

from tests.models.workbook.libreoffice import libreoffice  # noqa: F401 (a fixture)
