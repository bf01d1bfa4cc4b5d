// Entry point of the icmp plugin library: exports the probe through the SDK macro.
#include "icmp_probe.hpp"

WATCHPOST_PLUGIN("icmp", "0.1.0", "ICMP echo checks: a host answers pings, with loss and round trip",
                 watchpost::icmp::IcmpProbe)
