#include "chat.hpp"

WATCHPOST_PLUGIN("slack", "0.1.0", "Alert events as Slack incoming-webhook messages", watchpost::notify::Slack)
