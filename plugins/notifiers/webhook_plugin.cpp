#include "webhook.hpp"

WATCHPOST_PLUGIN("webhook", "0.1.0", "Alert events as a JSON POST, optionally HMAC-signed", watchpost::notify::Webhook)
