"""The parts of the accessibility statement that are the product's, not the region's."""

import datetime

# The date of the last assessment (automated axe-core checks of every page the browser tests visit, against
# WCAG 2.1 A/AA, and the review of the known shortcomings listed in the statement). Change it, and the list in
# templates/accessibility/statement.html, whenever a shortcoming is fixed or found.
ASSESSED_ON = datetime.date(2026, 12, 7)

# DIGG, the supervising authority, and its page for complaints (public information, shown as links).
DIGG_COMPLAINT_URL = "https://www.digg.se/tdosanmalan"
DIGG_EMAIL = "info@digg.se"
DIGG_PHONE = "0771-11 44 00"
