#include "options.hpp"

#include <watchpost/values.hpp>

#include <algorithm>
#include <cstdlib>

namespace watchpost {

std::string Position::str() const {
  if (line <= 0) return file;  // about the whole file (unreadable, empty, a directory)
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

OptionSchema OptionSchema::from_table(const wp_option_spec* table, size_t count,
                                      int (*validate)(const wp_options*, wp_error*)) {
  OptionSchema s;
  s.validate = validate;
  if (!table || count == 0) return s;
  // Read with the plugin's own stride so specs can grow fields in later ABI minors.
  size_t stride = table[0].struct_size;
  if (stride < sizeof(wp_option_spec)) stride = sizeof(wp_option_spec);
  const char* base = reinterpret_cast<const char*>(table);
  for (size_t i = 0; i < count; ++i) s.specs.push_back(reinterpret_cast<const wp_option_spec*>(base + i * stride));
  return s;
}

const wp_option_spec* OptionSchema::find(std::string_view name) const {
  for (auto* s : specs)
    if (s->name && name == s->name) return s;
  return nullptr;
}

std::vector<std::string> OptionSchema::names() const {
  std::vector<std::string> out;
  for (auto* s : specs) out.emplace_back(s->name);
  return out;
}

std::string_view option_type_name(uint32_t type) {
  switch (type) {
    case WP_OPT_STRING: return "string";
    case WP_OPT_INT: return "integer";
    case WP_OPT_BOOL: return "bool";
    case WP_OPT_DURATION: return "duration";
    case WP_OPT_BYTES: return "size";
    case WP_OPT_STRING_LIST: return "list";
    case WP_OPT_STRING_MAP: return "map";
    case WP_OPT_FLOAT: return "number";
  }
  return "?";
}

const OptionValue* find_option(const OptionList& list, std::string_view name) {
  for (auto& o : list)
    if (o.name == name) return &o;
  return nullptr;
}

void put_option(OptionList& list, OptionValue value) {
  for (auto& o : list)
    if (o.name == value.name) {
      o = std::move(value);
      return;
    }
  list.push_back(std::move(value));
}

OptionsView::OptionsView(const OptionList& list) {
  values_.reserve(list.size());
  items_.reserve(list.size());
  for (auto& o : list) {
    wp_option v{};
    v.struct_size = sizeof(v);
    v.name = wp_str{o.name.data(), o.name.size()};
    v.type = o.type;
    v.text = wp_str{o.text.data(), o.text.size()};
    v.integer = o.integer;
    v.number = o.number;
    auto& items = items_.emplace_back();
    for (auto& i : o.items) items.push_back(wp_str{i.data(), i.size()});
    v.items = items.data();
    v.item_count = items.size();
    values_.push_back(v);
  }
  raw_ = wp_options{sizeof(wp_options), values_.data(), values_.size()};
}

std::string parse_scalar_option(const wp_option_spec& spec, const std::string& text, OptionValue& out) {
  out.name = spec.name;
  out.type = spec.type;
  out.text = text;
  switch (spec.type) {
    case WP_OPT_STRING:
      break;
    case WP_OPT_INT: {
      char* end = nullptr;
      errno = 0;
      long long v = std::strtoll(text.c_str(), &end, 10);
      if (text.empty() || *end != '\0' || errno) return "expected an integer, got '" + text + "'";
      out.integer = v;
      break;
    }
    case WP_OPT_FLOAT: {
      char* end = nullptr;
      double v = std::strtod(text.c_str(), &end);
      if (text.empty() || *end != '\0') return "expected a number, got '" + text + "'";
      out.number = v;
      break;
    }
    case WP_OPT_BOOL:
      if (text == "true" || text == "yes" || text == "on") out.integer = 1;
      else if (text == "false" || text == "no" || text == "off") out.integer = 0;
      else return "expected true or false, got '" + text + "'";
      break;
    case WP_OPT_DURATION: {
      auto ms = parse_duration_ms(text);
      if (!ms) return "'" + text + "' is not a duration: write e.g. 250ms, 30s, 5m, 1h";
      out.integer = *ms;
      break;
    }
    case WP_OPT_BYTES: {
      auto b = parse_bytes(text);
      if (!b) return "'" + text + "' is not a size: write e.g. 65536, 64KiB, 1MiB";
      out.integer = *b;
      break;
    }
    case WP_OPT_STRING_LIST:
      out.items = {text};
      break;
    default:
      return std::string("a ") + std::string(option_type_name(spec.type)) + " is expected here";
  }
  if (spec.choices && spec.type != WP_OPT_STRING_LIST) {
    std::string choices = spec.choices;
    std::vector<std::string> allowed;
    size_t start = 0;
    for (size_t bar; (bar = choices.find('|', start)) != std::string::npos; start = bar + 1)
      allowed.push_back(choices.substr(start, bar - start));
    allowed.push_back(choices.substr(start));
    if (std::find(allowed.begin(), allowed.end(), text) == allowed.end()) {
      std::string hint = nearest(text, allowed);
      return "'" + text + "' is not one of: " + join(allowed, ", ") +
             (hint.empty() ? "" : " (did you mean '" + hint + "'?)");
    }
  }
  return {};
}

std::string nearest(std::string_view word, const std::vector<std::string>& candidates) {
  auto distance = [](std::string_view a, std::string_view b) {
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
      cur[0] = i;
      for (size_t j = 1; j <= b.size(); ++j) {
        size_t sub = prev[j - 1] + (std::tolower(a[i - 1]) == std::tolower(b[j - 1]) ? 0 : 1);
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
      }
      std::swap(prev, cur);
    }
    return prev[b.size()];
  };
  std::string best;
  size_t best_d = std::max<size_t>(2, word.size() / 3) + 1;
  for (auto& c : candidates) {
    size_t d = distance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += sep;
    out += items[i];
  }
  return out;
}

}  // namespace watchpost
