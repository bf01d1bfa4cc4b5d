#include "chat.hpp"

WATCHPOST_PLUGIN("pagerduty", "0.1.0", "Alert events to PagerDuty's Events API v2 (trigger and resolve)",
                 watchpost::notify::PagerDuty)
