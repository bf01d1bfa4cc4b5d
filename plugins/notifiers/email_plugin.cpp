#include "email.hpp"

WATCHPOST_PLUGIN("email", "0.1.0", "Alert events as mail over SMTP (STARTTLS), plain and HTML", watchpost::notify::Email)
