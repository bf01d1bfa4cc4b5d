#include "condition.hpp"

#include "regex_evaluator.hpp"

#include <nlohmann/json.hpp>

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <cmath>
#include <climits>
#include <cstdio>
#include <variant>
#include <vector>

namespace watchpost::conditions {

enum class Type { Bool, Int, Duration, Text, Json, Regex };

enum class Field { Status, ResponseTime, DnsTime, ConnectTime, TlsTime, FirstByteTime, Bytes, CertificateDays, Ip, Header, Body, BodyJson };

enum class Op { Eq, Ne, Lt, Le, Gt, Ge, Match, NoMatch, And, Or, Not, Len, Has, Field, Literal };

struct Node {
  Op op;
  Type type;
  size_t column;
  std::string source;  // the node's own text, for messages
  std::unique_ptr<Node> left, right;
  // Field
  Field field = Field::Status;
  std::string header;
  std::string pointer;  // a JSON Pointer (RFC 6901), checked at load
  // Literal
  bool boolean = false;
  int64_t integer = 0;  // Int, or Duration in µs
  std::string text;
  double number = 0;    // a literal with a fraction (Type::Json); a null literal has none
  bool is_number = false;
  std::unique_ptr<regex::Pattern> regex;
};

namespace {

const char* type_name(Type t) {
  switch (t) {
    case Type::Bool: return "a truth value";
    case Type::Int: return "a number";
    case Type::Duration: return "a duration";
    case Type::Text: return "text";
    case Type::Json: return "a JSON value";
    case Type::Regex: return "a regular expression";
  }
  return "?";
}

constexpr uint32_t kMatchLimit = 1'000'000, kDepthLimit = 10'000;  // as the regex plugin's defaults

// ---- parsing -----------------------------------------------------------------------------

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  std::unique_ptr<Node> parse() {
    auto n = or_expr();
    skip_space();
    if (at_ < s_.size()) fail("unexpected '" + std::string(s_.substr(at_, 12)) + "': join conditions with and / or");
    if (n->type != Type::Bool)
      fail(n->column, "'" + n->source + "' is " + type_name(n->type) + ", not a condition: compare it, e.g. " +
                          n->source + " == ...");
    return n;
  }

 private:
  [[noreturn]] void fail(const std::string& m) { fail(at_ + 1, m); }
  [[noreturn]] void fail(size_t column, const std::string& m) { throw ConditionError(column, m); }

  void skip_space() {
    while (at_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[at_]))) ++at_;
  }
  bool word(std::string_view w) {
    skip_space();
    if (s_.compare(at_, w.size(), w) != 0) return false;
    size_t end = at_ + w.size();
    if (std::isalpha(static_cast<unsigned char>(w[0])) && end < s_.size() &&
        (std::isalnum(static_cast<unsigned char>(s_[end])) || s_[end] == '_'))
      return false;
    at_ = end;
    return true;
  }

  std::unique_ptr<Node> make(Op op, Type type, size_t column) {
    auto n = std::make_unique<Node>();
    n->op = op;
    n->type = type;
    n->column = column;
    return n;
  }

  std::unique_ptr<Node> logical(Op op, std::unique_ptr<Node> l, std::unique_ptr<Node> r, const char* name) {
    for (Node* side : {l.get(), r.get()})
      if (side->type != Type::Bool)
        fail(side->column, "'" + side->source + "' is " + type_name(side->type) + "; '" + name + "' joins conditions");
    auto n = make(op, Type::Bool, l->column);
    n->source = l->source + " " + name + " " + r->source;
    n->left = std::move(l);
    n->right = std::move(r);
    return n;
  }

  std::unique_ptr<Node> or_expr() {
    auto l = and_expr();
    while (word("or") || word("||")) l = logical(Op::Or, std::move(l), and_expr(), "or");
    return l;
  }
  std::unique_ptr<Node> and_expr() {
    auto l = not_expr();
    while (word("and") || word("&&")) l = logical(Op::And, std::move(l), not_expr(), "and");
    return l;
  }
  std::unique_ptr<Node> not_expr() {
    skip_space();
    size_t column = at_ + 1;
    if (word("not") || (at_ < s_.size() && s_[at_] == '!' && s_.compare(at_, 2, "!=") != 0 && s_.compare(at_, 2, "!~") != 0 && ++at_)) {
      if (++depth_ > 64) fail("nested too deeply");
      auto inner = not_expr();
      --depth_;
      if (inner->type != Type::Bool) fail(inner->column, "'not' takes a condition, not " + std::string(type_name(inner->type)));
      auto n = make(Op::Not, Type::Bool, column);
      n->source = "not " + inner->source;
      n->left = std::move(inner);
      return n;
    }
    return comparison();
  }

  std::unique_ptr<Node> comparison() {
    auto l = value();
    skip_space();
    static const std::pair<const char*, Op> ops[] = {{"==", Op::Eq}, {"!=", Op::Ne}, {"<=", Op::Le}, {">=", Op::Ge},
                                                     {"=~", Op::Match}, {"!~", Op::NoMatch}, {"<", Op::Lt}, {">", Op::Gt}};
    for (auto& [text, op] : ops) {
      if (s_.compare(at_, std::char_traits<char>::length(text), text) != 0) continue;
      size_t column = at_ + 1;
      at_ += std::char_traits<char>::length(text);
      auto r = value();
      check_comparison(op, *l, *r, text, column);
      auto n = make(op, Type::Bool, l->column);
      n->source = l->source + " " + text + " " + r->source;
      n->left = std::move(l);
      n->right = std::move(r);
      return n;
    }
    return l;
  }

  void check_comparison(Op op, const Node& l, const Node& r, const char* text, size_t column) {
    auto bad = [&](const std::string& hint) {
      fail(column, "'" + l.source + "' (" + type_name(l.type) + ") " + text + " '" + r.source + "' (" + type_name(r.type) +
                       ")" + (hint.empty() ? std::string(" cannot be compared") : ": " + hint));
    };
    if (op == Op::Match || op == Op::NoMatch) {
      if (r.type != Type::Regex) bad("write the pattern between slashes, e.g. /ok/");
      if (l.type != Type::Text && l.type != Type::Json) bad("a pattern matches text");
      return;
    }
    if (l.type == Type::Regex || r.type == Type::Regex) bad("a pattern goes with =~ or !~");
    bool ordered = op == Op::Lt || op == Op::Le || op == Op::Gt || op == Op::Ge;
    auto numeric = [](Type t) { return t == Type::Int || t == Type::Json; };
    if (l.type == Type::Duration || r.type == Type::Duration) {
      if (l.type == r.type) return;
      if ((l.type == Type::Int && l.op == Op::Literal) || (r.type == Type::Int && r.op == Op::Literal))
        bad("give the number a unit: ms, s, m or h (e.g. 500ms)");
      bad("");
    }
    if (ordered) {
      if (numeric(l.type) && numeric(r.type)) return;
      bad("only numbers and durations are ordered");
    }
    if (l.type == r.type || l.type == Type::Json || r.type == Type::Json) return;
    bad("");
  }

  std::unique_ptr<Node> value() {
    skip_space();
    size_t column = at_ + 1;
    if (at_ >= s_.size()) fail("the condition ends where a value should be");
    char c = s_[at_];
    if (c == '(') {
      ++at_;
      if (++depth_ > 64) fail("nested too deeply");
      auto n = or_expr();
      --depth_;
      skip_space();
      if (at_ >= s_.size() || s_[at_] != ')') fail("a '(' at column " + std::to_string(column) + " is not closed");
      ++at_;
      n->source = "(" + n->source + ")";
      return n;
    }
    if (c == '[') return field(column);
    if (c == '"') return string_literal(column);
    if (c == '/') return regex_literal(column);
    if (std::isdigit(static_cast<unsigned char>(c)) || (c == '-' && at_ + 1 < s_.size() && std::isdigit(static_cast<unsigned char>(s_[at_ + 1]))))
      return number(column);
    for (auto [name, op] : {std::pair<const char*, Op>{"len", Op::Len}, {"has", Op::Has}}) {
      if (!word(name)) continue;
      skip_space();
      if (at_ >= s_.size() || s_[at_] != '(') fail(std::string(name) + " takes one value in parentheses: " + name + "([BODY].items)");
      ++at_;
      auto inner = value();
      skip_space();
      if (at_ >= s_.size() || s_[at_] != ')') fail(std::string(name) + "( is not closed");
      ++at_;
      Type t = op == Op::Len ? Type::Int : Type::Bool;
      if (op == Op::Len && inner->type != Type::Text && inner->type != Type::Json)
        fail(inner->column, "len() measures text or a JSON value, not " + std::string(type_name(inner->type)));
      if (op == Op::Has && inner->op == Op::Field && inner->field != Field::BodyJson && inner->field != Field::Header)
        fail(inner->column, "has() asks for a JSON value ([BODY].a.b) or a header ([HEADER:Name])");
      if (op == Op::Has && inner->op != Op::Field) fail(inner->column, "has() asks for a field, not a value");
      auto n = make(op, t, column);
      n->source = std::string(name) + "(" + inner->source + ")";
      n->left = std::move(inner);
      return n;
    }
    // A bare word: true, false, null, or text (`[BODY].status == UP`).
    size_t start = at_;
    while (at_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[at_])) || s_[at_] == '_' || s_[at_] == '-' || s_[at_] == '.'))
      ++at_;
    if (at_ == start) fail("'" + std::string(1, c) + "' cannot start a value");
    std::string w(s_.substr(start, at_ - start));
    if (w == "true" || w == "false") {
      auto n = make(Op::Literal, Type::Bool, column);
      n->boolean = w == "true";
      n->source = w;
      return n;
    }
    if (w == "null") {
      auto n = make(Op::Literal, Type::Json, column);
      n->source = w;
      return n;
    }
    auto n = make(Op::Literal, Type::Text, column);
    n->text = w;
    n->source = w;
    return n;
  }

  std::unique_ptr<Node> field(size_t column) {
    size_t close = s_.find(']', at_);
    if (close == std::string_view::npos) fail("a '[' is not closed: fields are written like [STATUS]");
    std::string name(s_.substr(at_ + 1, close - at_ - 1));
    at_ = close + 1;
    static const std::pair<const char*, std::pair<Field, Type>> fields[] = {
        {"STATUS", {Field::Status, Type::Int}},
        {"RESPONSE_TIME", {Field::ResponseTime, Type::Duration}},
        {"DNS_TIME", {Field::DnsTime, Type::Duration}},
        {"CONNECT_TIME", {Field::ConnectTime, Type::Duration}},
        {"TLS_TIME", {Field::TlsTime, Type::Duration}},
        {"FIRST_BYTE_TIME", {Field::FirstByteTime, Type::Duration}},
        {"BYTES", {Field::Bytes, Type::Int}},
        {"CERTIFICATE_DAYS", {Field::CertificateDays, Type::Int}},
        {"IP", {Field::Ip, Type::Text}},
        {"BODY", {Field::Body, Type::Text}},
    };
    auto n = make(Op::Field, Type::Text, column);
    n->source = "[" + name + "]";
    if (name.rfind("HEADER:", 0) == 0 && name.size() > 7) {
      n->field = Field::Header;
      n->header = name.substr(7);
      return n;
    }
    bool known = false;
    for (auto& [text, what] : fields)
      if (name == text) {
        n->field = what.first;
        n->type = what.second;
        known = true;
      }
    if (!known)
      fail(column, "unknown field [" + name + "]: fields are [STATUS], [RESPONSE_TIME], [DNS_TIME], [CONNECT_TIME], "
                   "[TLS_TIME], [FIRST_BYTE_TIME], [BYTES], [CERTIFICATE_DAYS], [IP], [HEADER:Name], [BODY]");
    if (n->field == Field::Body && at_ < s_.size() && (s_[at_] == '.' || s_[at_] == '/' || s_[at_] == '['))
      selector(*n);
    return n;
  }

  // [BODY]/a/b/0 (a JSON Pointer, RFC 6901) or [BODY].a.b[0] (the same, dotted).
  void selector(Node& n) {
    size_t start = at_;
    std::string pointer;
    if (s_[at_] == '/') {
      while (at_ < s_.size() && !std::isspace(static_cast<unsigned char>(s_[at_])) && s_[at_] != ')') ++at_;
      pointer = std::string(s_.substr(start, at_ - start));
    } else {
      while (at_ < s_.size()) {
        if (s_[at_] == '.') {
          size_t from = ++at_;
          while (at_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[at_])) || s_[at_] == '_' || s_[at_] == '-' || s_[at_] == '$' || s_[at_] == '@'))
            ++at_;
          if (at_ == from) fail("a '.' in a selector needs a name after it: [BODY].status");
          std::string key(s_.substr(from, at_ - from));
          std::string escaped;
          for (char ch : key) escaped += ch == '~' ? "~0" : ch == '/' ? "~1" : std::string(1, ch);
          pointer += "/" + escaped;
        } else if (s_[at_] == '[') {
          size_t close = s_.find(']', at_);
          std::string index(close == std::string_view::npos ? "" : s_.substr(at_ + 1, close - at_ - 1));
          if (index.empty() || index.size() > 9 || index.find_first_not_of("0123456789") != std::string::npos)
            fail("an index in a selector is a number in brackets: [BODY].items[0]");
          pointer += "/" + index;
          at_ = close + 1;
        } else {
          break;
        }
      }
    }
    try {
      nlohmann::json::json_pointer checked(pointer);  // nlohmann-json's reading of RFC 6901 says what is one
      n.pointer = pointer;
    } catch (const nlohmann::json::exception& e) {
      fail(start + 1, "'" + pointer + "' is not a JSON Pointer: write [BODY]/a/b or [BODY].a.b");
    }
    if (pointer.size() > 1024) fail(start + 1, "a selector longer than 1024 characters");
    n.field = Field::BodyJson;
    n.type = Type::Json;
    n.source += std::string(s_.substr(start, at_ - start));
  }

  std::unique_ptr<Node> string_literal(size_t column) {
    std::string out;
    ++at_;
    for (;;) {
      if (at_ >= s_.size()) fail(column, "a '\"' is not closed");
      char c = s_[at_++];
      if (c == '"') break;
      if (c == '\\' && at_ < s_.size()) c = s_[at_++];
      out += c;
    }
    auto n = make(Op::Literal, Type::Text, column);
    n->text = out;
    n->source = "\"" + out + "\"";
    return n;
  }

  std::unique_ptr<Node> regex_literal(size_t column) {
    std::string pattern;
    ++at_;
    for (;;) {
      if (at_ >= s_.size()) fail(column, "a pattern's '/' is not closed: /pattern/");
      char c = s_[at_++];
      if (c == '/') break;
      if (c == '\\' && at_ < s_.size() && s_[at_] == '/') c = s_[at_++];
      else if (c == '\\' && at_ < s_.size()) {
        pattern += c;
        c = s_[at_++];
      }
      pattern += c;
    }
    bool caseless = at_ < s_.size() && s_[at_] == 'i';
    if (caseless) ++at_;
    auto n = make(Op::Literal, Type::Regex, column);
    n->source = "/" + pattern + "/" + (caseless ? "i" : "");
    try {
      n->regex = std::make_unique<regex::Pattern>(pattern, caseless, false);
    } catch (const std::exception& e) {
      fail(column, e.what());
    }
    return n;
  }

  std::unique_ptr<Node> number(size_t column) {
    size_t start = at_;
    if (s_[at_] == '-') ++at_;
    while (at_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[at_]))) ++at_;
    bool fraction = false;  // 0.5, 1.5e3: compared as numbers with JSON values and fields
    if (at_ + 1 < s_.size() && s_[at_] == '.' && std::isdigit(static_cast<unsigned char>(s_[at_ + 1]))) {
      fraction = true;
      for (++at_; at_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[at_]));) ++at_;
    }
    if (at_ < s_.size() && (s_[at_] == 'e' || s_[at_] == 'E')) {
      size_t e = at_ + 1;
      if (e < s_.size() && (s_[e] == '-' || s_[e] == '+')) ++e;
      if (e < s_.size() && std::isdigit(static_cast<unsigned char>(s_[e]))) {
        fraction = true;
        for (at_ = e; at_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[at_]));) ++at_;
      }
    }
    std::string digits(s_.substr(start, at_ - start));
    if (digits.size() > 24) fail(column, "a number longer than 24 characters");
    double value = std::strtod(digits.c_str(), nullptr);
    if (!std::isfinite(value) || std::fabs(value) > 9e15) fail(column, "a number out of range: " + digits);
    static const std::pair<const char*, int64_t> units[] = {{"ms", 1000}, {"us", 1}, {"s", 1'000'000},
                                                            {"m", 60'000'000}, {"h", 3'600'000'000}};
    for (auto& [unit, scale] : units) {
      size_t len = std::char_traits<char>::length(unit);
      if (s_.compare(at_, len, unit) != 0) continue;
      if (at_ + len < s_.size() && std::isalnum(static_cast<unsigned char>(s_[at_ + len]))) continue;
      at_ += len;
      auto n = make(Op::Literal, Type::Duration, column);
      n->integer = static_cast<int64_t>(std::llround(value * static_cast<double>(scale)));
      n->source = digits + unit;
      return n;
    }
    if (at_ < s_.size() && std::isalpha(static_cast<unsigned char>(s_[at_])))
      fail(at_ + 1, "unknown unit after " + digits + ": durations take ms, s, m or h");
    if (fraction) {
      auto n = make(Op::Literal, Type::Json, column);
      n->number = value;
      n->is_number = true;
      n->source = digits;
      return n;
    }
    auto n = make(Op::Literal, Type::Int, column);
    n->integer = static_cast<int64_t>(value);
    n->source = digits;
    return n;
  }

  std::string_view s_;
  size_t at_ = 0;
  int depth_ = 0;
};

// ---- evaluation --------------------------------------------------------------------------

struct Missing {
  std::string why;
};
struct Null {};
// An array or an object of the body (its scalars are read into the other kinds).
struct Composite {
  simdjson::dom::element element;
};
using Value = std::variant<Missing, bool, int64_t, double, std::string_view, Null, Composite>;

std::string number_text(double d) {
  char buf[32];
  auto end = std::to_chars(buf, buf + sizeof buf, d).ptr;
  return std::string(buf, end);
}

// A body's value as a condition sees it. Strings point into the parser's buffers, which the
// Subject keeps while the conditions run.
Value value_of(const simdjson::dom::element& e) {
  using simdjson::dom::element_type;
  switch (e.type()) {
    case element_type::STRING: return e.get_string().value_unsafe();
    case element_type::INT64: return e.get_int64().value_unsafe();
    case element_type::UINT64: return static_cast<double>(e.get_uint64().value_unsafe());
    case element_type::DOUBLE: return e.get_double().value_unsafe();
    case element_type::BOOL: return e.get_bool().value_unsafe();
    case element_type::NULL_VALUE: return Null{};
    default: return Composite{e};
  }
}

std::string duration_text(int64_t us) {
  char buf[32];
  if (us >= 1'000'000) std::snprintf(buf, sizeof buf, "%.3gs", us / 1e6);
  else std::snprintf(buf, sizeof buf, "%.3gms", us / 1e3);
  return buf;
}

std::string excerpt(std::string_view s) {
  std::string out(s.substr(0, 80));
  if (s.size() > 80) out += "…";
  return out;
}

std::string describe(const Value& v, Type type) {
  if (auto* m = std::get_if<Missing>(&v)) return m->why;
  if (auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  if (auto* i = std::get_if<int64_t>(&v)) return type == Type::Duration ? duration_text(*i) : std::to_string(*i);
  if (auto* s = std::get_if<std::string_view>(&v)) return "\"" + excerpt(*s) + "\"";
  if (auto* d = std::get_if<double>(&v)) return number_text(*d);
  if (std::holds_alternative<Null>(v)) return "null";
  return excerpt(simdjson::minify(std::get<Composite>(v).element));
}

struct Undecided {
  std::string why;
};

class Evaluation {
 public:
  explicit Evaluation(Subject& s) : s_(s) {}

  Value value(const Node& n) {
    switch (n.op) {
      case Op::Literal:
        if (n.type == Type::Bool) return n.boolean;
        if (n.type == Type::Int || n.type == Type::Duration) return n.integer;
        if (n.type == Type::Text) return std::string_view(n.text);
        if (n.is_number) return n.number;
        return Null{};
      case Op::Field: return field(n);
      case Op::Len: {
        Value inner = value(*n.left);
        if (std::holds_alternative<Missing>(inner)) return inner;
        if (auto* s = std::get_if<std::string_view>(&inner)) return static_cast<int64_t>(s->size());
        if (auto* c = std::get_if<Composite>(&inner)) {
          if (auto a = c->element.get_array(); !a.error()) return static_cast<int64_t>(a.value_unsafe().size());
          return static_cast<int64_t>(c->element.get_object().value_unsafe().size());
        }
        return Missing{n.left->source + " was " + describe(inner, Type::Json) + ", which has no length"};
      }
      case Op::Has: return !std::holds_alternative<Missing>(value(*n.left));
      default: return holds(n);
    }
  }

  bool holds(const Node& n) {
    switch (n.op) {
      case Op::And: return holds(*n.left) && holds(*n.right);
      case Op::Or: return holds(*n.left) || holds(*n.right);
      case Op::Not: return !holds(*n.left);
      case Op::Eq: case Op::Ne: case Op::Lt: case Op::Le: case Op::Gt: case Op::Ge:
      case Op::Match: case Op::NoMatch: return compare(n);
      case Op::Has: {  // false, with the reason the value is not there
        Value inner = value(*n.left);
        return note(n, !std::holds_alternative<Missing>(inner), inner);
      }
      default: {
        Value v = value(n);
        if (auto* b = std::get_if<bool>(&v)) return note(n, *b, v);
        return note(n, false, v);
      }
    }
  }

  std::string why;  // the value seen that made the first failing comparison fail

 private:
  bool note(const Node& n, bool ok, const Value& seen) {
    if (!ok && why.empty())
      why = std::holds_alternative<Missing>(seen) ? std::get<Missing>(seen).why : n.source + " was " + describe(seen, n.type);
    return ok;
  }

  Value field(const Node& n) {
    const wp_result& r = s_.result();
    auto phase = [&](int64_t us) -> Value {
      if (us < 0) return Missing{n.source + " was not measured"};
      return us;
    };
    switch (n.field) {
      case Field::Status:
        if (r.http_status == 0) return Missing{"[STATUS] was none (no answer)"};
        return static_cast<int64_t>(r.http_status);
      case Field::ResponseTime: return phase(r.total_us);
      case Field::DnsTime: return phase(r.dns_us);
      case Field::ConnectTime: return phase(r.connect_us);
      case Field::TlsTime: return phase(r.tls_us);
      case Field::FirstByteTime: return phase(r.first_byte_us);
      case Field::Bytes: return static_cast<int64_t>(r.bytes_received);
      case Field::CertificateDays:
        if (r.tls_days_left == INT32_MIN) return Missing{"[CERTIFICATE_DAYS] was none (no TLS)"};
        return static_cast<int64_t>(r.tls_days_left);
      case Field::Ip: return std::string_view(r.resolved_ip.data ? r.resolved_ip.data : "", r.resolved_ip.size);
      case Field::Header: {
        auto h = s_.header(n.header);
        if (!h) return Missing{n.source + " was absent"};
        return *h;
      }
      case Field::Body: return std::string_view(r.body.data ? r.body.data : "", r.body.size);
      case Field::BodyJson: {
        std::string not_json;
        const simdjson::dom::element* root = s_.json(not_json);
        if (!root) return Missing{not_json};
        auto found = root->at_pointer(n.pointer);
        if (found.error()) return Missing{n.source + " was absent"};
        return value_of(found.value_unsafe());
      }
    }
    return Missing{"?"};
  }

  bool compare(const Node& n) {
    Value l = value(*n.left);
    if (n.op == Op::Match || n.op == Op::NoMatch) {
      if (std::holds_alternative<Missing>(l)) return note(*n.left, false, l);
      std::string_view subject;
      std::string owned;
      if (auto* s = std::get_if<std::string_view>(&l)) subject = *s;
      else return note(*n.left, false, l);  // a pattern matches text only
      size_t offset = 0;
      std::string error;
      auto found = n.right->regex->search(subject, kMatchLimit, kDepthLimit, offset, error);
      if (found == regex::Pattern::Match::limit) throw Undecided{n.source + ": " + error};
      bool ok = (found == regex::Pattern::Match::found) == (n.op == Op::Match);
      return note(*n.left, ok, l);
    }
    Value r = value(*n.right);
    if (std::holds_alternative<Missing>(l)) return note(*n.left, false, l);
    if (std::holds_alternative<Missing>(r)) return note(*n.right, false, r);
    int order = 0;  // <0, 0, >0; 2: not comparable (then only != holds)
    if (!ordering(l, r, order)) return note(*n.left, n.op == Op::Ne, l);
    bool ok = false;
    switch (n.op) {
      case Op::Eq: ok = order == 0; break;
      case Op::Ne: ok = order != 0; break;
      case Op::Lt: ok = order < 0; break;
      case Op::Le: ok = order <= 0; break;
      case Op::Gt: ok = order > 0; break;
      case Op::Ge: ok = order >= 0; break;
      default: break;
    }
    // The side that is not a literal is the one to show.
    const Node& shown = n.left->op == Op::Literal ? *n.right : *n.left;
    return note(shown, ok, n.left->op == Op::Literal ? r : l);
  }

  // Compares two values of types the parser allowed together; false when they are not
  // comparable at run time (a JSON string against a number).
  static bool ordering(const Value& l, const Value& r, int& order) {
    auto number = [](const Value& v, double& out) {
      if (auto* i = std::get_if<int64_t>(&v)) {
        out = static_cast<double>(*i);
        return true;
      }
      if (auto* d = std::get_if<double>(&v)) {
        out = *d;
        return !std::isnan(out);
      }
      return false;
    };
    auto text = [](const Value& v, std::string_view& out) {
      if (auto* s = std::get_if<std::string_view>(&v)) {
        out = *s;
        return true;
      }
      return false;
    };
    double a, b;
    if (number(l, a) && number(r, b)) {
      order = a < b ? -1 : a > b ? 1 : 0;
      return true;
    }
    std::string_view x, y;
    if (text(l, x) && text(r, y)) {
      order = x.compare(y) < 0 ? -1 : x.compare(y) > 0 ? 1 : 0;
      return true;
    }
    auto truth = [](const Value& v, bool& out) {
      if (auto* b = std::get_if<bool>(&v)) {
        out = *b;
        return true;
      }
      return false;
    };
    bool p, q;
    if (truth(l, p) && truth(r, q)) {
      order = p == q ? 0 : 1;
      return true;
    }
    if (std::holds_alternative<Null>(l) || std::holds_alternative<Null>(r)) {
      order = std::holds_alternative<Null>(l) && std::holds_alternative<Null>(r) ? 0 : 1;
      return true;
    }
    auto* cl = std::get_if<Composite>(&l);
    auto* cr = std::get_if<Composite>(&r);
    if (cl && cr) {
      order = simdjson::minify(cl->element) == simdjson::minify(cr->element) ? 0 : 1;
      return true;
    }
    return false;
  }

  Subject& s_;
};

}  // namespace

Condition::Condition(std::string_view text) : text_(text) {
  if (text.size() > 4096) throw ConditionError(1, "a condition longer than 4096 characters");
  root_ = Parser(text).parse();
}
Condition::~Condition() = default;
Condition::Condition(Condition&&) noexcept = default;
Condition& Condition::operator=(Condition&&) noexcept = default;

Condition::Verdict Condition::evaluate(Subject& subject) const {
  Evaluation e(subject);
  try {
    if (e.holds(*root_)) return {Outcome::Holds, {}};
  } catch (const Undecided& u) {
    return {Outcome::Undecided, u.why};
  }
  return {Outcome::Fails, e.why.empty() ? "it does not hold" : e.why};
}

}  // namespace watchpost::conditions
