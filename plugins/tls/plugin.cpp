// Entry point of the tls plugin library: exports the probe through the SDK macro.
#include "tls_probe.hpp"

WATCHPOST_PLUGIN("tls", "0.1.0", "TLS certificate checks on any port: chain, name, protocol, days left",
                 watchpost::tls::TlsProbe)
