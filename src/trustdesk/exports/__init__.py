"""Writers of a report as spreadsheets and data: CSV (RFC 4180), XLSX and JSON.

Each writer takes the report's view-model (memo/report_model.py) and a path to fill
(services/reports.py hands it a temporary name and publishes it once complete, never
over an existing file). Nothing here queries the store or draws: the figures arrive
counted. This package alone uses the spreadsheet library (XlsxWriter).
"""
