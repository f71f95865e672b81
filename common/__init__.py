"""Ground floor shared by the apps (``organisations``, ``indicators``, ``dialogs``): reading the text files
people upload and writing the spreadsheet files they download. Not a Django app: no models, no settings, no
imports from any app, so every app may use it (it sits below ``notifications`` in the dependency order).

* ``textfiles`` – what an uploaded file is (a binary format by its magic number, UTF-16, or text), its
  encoding (UTF-8 with or without byte-order mark, else Windows-1252), the separator of a CSV header, and
  JSON read with a limit on nesting.
* ``spreadsheets`` – cells a spreadsheet will never run as a formula, and CSV as Swedish Excel opens it.
* ``apphooks`` – functions that apps offer by convention in ``<app>/<module>.py`` (to-dos, demo data), found in
  INSTALLED_APPS order; it reads the app registry, nothing of any app.
"""
