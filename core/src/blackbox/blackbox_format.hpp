// One result in blackbox_exporter's /probe format: its metric names, help texts and label
// names, so dashboards and alerts written for the blackbox exporter read watchpost as is.
#pragma once

#include "results/result.hpp"

#include <string>

namespace watchpost::blackbox {

enum class Prober { http, tcp, other };

// `duration_s`: the whole probe as the request saw it (retries included).
std::string render(const Result& r, Prober prober, double duration_s);

// blackbox_exporter's probe_ip_addr_hash: FNV-1a (32 bit) over the address's bytes.
uint32_t ip_hash(const std::string& ip);

}  // namespace watchpost::blackbox
