"""Pages of results, one module per concern: `certificates` (verification, downloads, templates,
generation, revocation), `showcase` (public showcase and its curation), `stats` (statistics dashboards
and their exports)."""
