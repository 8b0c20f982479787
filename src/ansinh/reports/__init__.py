"""Reports and dashboards from one set of facts (issue 18): pre-aggregated, versioned fact tables by ward ×
period × dimension, refreshed by the events that change them; typed report queries run over frames of those
facts; renderers for HTML tables, chart data, XLSX and PDF. See ``docs/reports.md``."""
