"""The file edge: method files (YAML), tables (CSV, XLSX), result writers."""
