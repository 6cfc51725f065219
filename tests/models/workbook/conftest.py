"""LibreOffice for the round trips through a real spreadsheet program (installed when missing)."""

from tests.models.workbook.libreoffice import libreoffice  # noqa: F401 (a fixture)
