// Entry point of the tcp plugin library: exports the probe through the SDK macro.
#include "tcp_probe.hpp"

WATCHPOST_PLUGIN("tcp", "0.1.0", "TCP checks: connect, optional TLS handshake, send and expect",
                 watchpost::tcp::TcpProbe)
