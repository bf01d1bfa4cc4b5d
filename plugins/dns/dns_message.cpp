#include "dns_message.hpp"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netinet/in.h>
#include <resolv.h>

#include <strings.h>

#include <cstring>
#include <iterator>

namespace watchpost::dns {

namespace {

struct TypeName {
  int type;
  const char* name;
};
const TypeName kTypes[] = {{ns_t_a, "A"},     {ns_t_aaaa, "AAAA"}, {ns_t_cname, "CNAME"}, {ns_t_mx, "MX"},
                           {ns_t_ns, "NS"},   {ns_t_txt, "TXT"},   {ns_t_ptr, "PTR"},     {ns_t_srv, "SRV"},
                           {ns_t_soa, "SOA"}, {ns_t_caa, "CAA"}};

const char* const kRcodes[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"};

// A domain name inside the message at `at`, uncompressed; "" when malformed.
std::string name_at(const ns_msg& msg, const unsigned char* at) {
  char out[NS_MAXDNAME];
  if (ns_name_uncompress(ns_msg_base(msg), ns_msg_end(msg), at, out, sizeof out) < 0) return {};
  return std::string(out) + ".";
}

std::string record_text(const ns_msg& msg, const ns_rr& rr) {
  const unsigned char* rd = ns_rr_rdata(rr);
  size_t len = ns_rr_rdlen(rr);
  char buf[INET6_ADDRSTRLEN];
  switch (ns_rr_type(rr)) {
    case ns_t_a:
      return len == 4 && inet_ntop(AF_INET, rd, buf, sizeof buf) ? buf : "";
    case ns_t_aaaa:
      return len == 16 && inet_ntop(AF_INET6, rd, buf, sizeof buf) ? buf : "";
    case ns_t_cname:
    case ns_t_ns:
    case ns_t_ptr:
      return name_at(msg, rd);
    case ns_t_mx:
      return len > 2 ? std::to_string(ns_get16(rd)) + " " + name_at(msg, rd + 2) : "";
    case ns_t_srv:
      return len > 6 ? std::to_string(ns_get16(rd)) + " " + std::to_string(ns_get16(rd + 2)) + " " +
                           std::to_string(ns_get16(rd + 4)) + " " + name_at(msg, rd + 6)
                     : "";
    case ns_t_txt: {
      // One or more <length><bytes> strings, joined as one value (as most tools show them).
      std::string out;
      for (size_t i = 0; i < len;) {
        size_t n = rd[i];
        if (i + 1 + n > len) break;
        out.append(reinterpret_cast<const char*>(rd + i + 1), n);
        i += 1 + n;
      }
      return out;
    }
    case ns_t_soa: {
      std::string primary = name_at(msg, rd);
      return primary;
    }
    case ns_t_caa: {
      // flags, tag length, tag, value: "0 issue letsencrypt.org"
      if (len < 2 || 2u + rd[1] > len) return "";
      return std::to_string(rd[0]) + " " + std::string(reinterpret_cast<const char*>(rd + 2), rd[1]) + " " +
             std::string(reinterpret_cast<const char*>(rd + 2 + rd[1]), len - 2 - rd[1]);
    }
    default:
      return "";
  }
}

}  // namespace

int record_type(const std::string& name) {
  for (auto& t : kTypes)
    if (strcasecmp(name.c_str(), t.name) == 0) return t.type;
  return -1;
}

const char* record_type_name(int type) {
  for (auto& t : kTypes)
    if (t.type == type) return t.name;
  return "?";
}

const char* rcode_name(int rcode) {
  return rcode >= 0 && rcode < static_cast<int>(std::size(kRcodes)) ? kRcodes[rcode] : "RCODE?";
}

int rcode_value(const std::string& name) {
  for (size_t i = 0; i < std::size(kRcodes); ++i)
    if (strcasecmp(name.c_str(), kRcodes[i]) == 0) return static_cast<int>(i);
  return -1;
}

std::vector<unsigned char> make_query(const std::string& name, int type, uint16_t id, std::string& error) {
  std::vector<unsigned char> buf(NS_PACKETSZ);
  // res_mkquery needs resolver state only for its options; a zeroed state asks for RD.
  struct __res_state state;
  std::memset(&state, 0, sizeof state);
  state.options = RES_DEFAULT;
  int n = res_nmkquery(&state, ns_o_query, name.c_str(), ns_c_in, type, nullptr, 0, nullptr, buf.data(),
                       static_cast<int>(buf.size()));
  if (n < 0) {
    error = "'" + name + "' is not a valid domain name";
    return {};
  }
  buf.resize(static_cast<size_t>(n));
  buf[0] = static_cast<unsigned char>(id >> 8);
  buf[1] = static_cast<unsigned char>(id & 0xff);
  return buf;
}

Answer parse_answer(const unsigned char* data, size_t size, int type) {
  Answer a;
  ns_msg msg;
  if (ns_initparse(data, static_cast<int>(size), &msg) < 0) {
    a.error = "the answer is not a DNS message (" + std::to_string(size) + " bytes)";
    return a;
  }
  a.id = ns_msg_id(msg);
  a.rcode = ns_msg_getflag(msg, ns_f_rcode);
  a.truncated = ns_msg_getflag(msg, ns_f_tc) != 0;
  int count = ns_msg_count(msg, ns_s_an);
  for (int i = 0; i < count; ++i) {
    ns_rr rr;
    if (ns_parserr(&msg, ns_s_an, i, &rr) < 0) {
      a.error = "answer record " + std::to_string(i + 1) + " is malformed";
      return a;
    }
    if (ns_rr_type(rr) != type) continue;  // a CNAME chain on the way to the asked type
    std::string text = record_text(msg, rr);
    if (!text.empty()) a.records.push_back(std::move(text));
  }
  return a;
}

}  // namespace watchpost::dns
