"""Static files in production: whitenoise's compressed, hashed files, with ES module imports rewritten too."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """``import … from "./onsite-drafts.js"`` in a hashed script becomes an import of the hashed file, so a
    deploy never pairs a new script with the old module it imports (Django's opt-in module rewriting)."""

    support_js_module_import_aggregation = True
