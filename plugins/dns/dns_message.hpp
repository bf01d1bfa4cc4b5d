// DNS on the wire, through libresolv (glibc): a query built by res_nmkquery, an answer read
// with ns_initparse/ns_parserr. Nothing here does I/O.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace watchpost::dns {

// "A" → ns_t_a; -1 when the name is not a record type we read.
int record_type(const std::string& name);
const char* record_type_name(int type);

// A query for `name` of `type` with the RD bit; id in the first two bytes. Empty on failure
// (a name that is not a valid domain name), `error` says why.
std::vector<unsigned char> make_query(const std::string& name, int type, uint16_t id, std::string& error);

struct Answer {
  uint16_t id = 0;
  int rcode = 0;            // 0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN...
  bool truncated = false;   // TC: ask again over TCP
  std::vector<std::string> records;  // of the asked type, as text: "93.184.216.34", "10 mx.example."
  std::string error;        // not a DNS message
};

// Reads an answer; only records of `type` in the answer section are kept.
Answer parse_answer(const unsigned char* data, size_t size, int type);

const char* rcode_name(int rcode);  // "NXDOMAIN"
int rcode_value(const std::string& name);  // -1 when unknown

}  // namespace watchpost::dns
