#include "alertmanager.hpp"

WATCHPOST_PLUGIN("alertmanager", "0.1.0", "Alert events to Prometheus Alertmanager's /api/v2/alerts",
                 watchpost::notify::Alertmanager)
