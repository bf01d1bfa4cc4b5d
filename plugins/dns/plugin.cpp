// Entry point of the dns plugin library: exports the probe through the SDK macro.
#include "dns_probe.hpp"

WATCHPOST_PLUGIN("dns", "0.1.0", "DNS checks: a name resolves at a server, with the records expected",
                 watchpost::dns::DnsProbe)
