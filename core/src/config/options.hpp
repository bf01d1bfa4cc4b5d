// Option schemas (what a plugin or the core declares) and validated option values.
#pragma once

#include <watchpost/plugin_api.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace watchpost {

// Where something stands in a config file, for error messages.
struct Position {
  std::string file;
  int line = 0;    // 1-based
  int column = 0;  // 1-based
  std::string str() const;
};

// The option table of one plugin kind (or of the core's shared options).
struct OptionSchema {
  std::vector<const wp_option_spec*> specs;
  int (*validate)(const wp_options*, wp_error*) = nullptr;

  static OptionSchema from_table(const wp_option_spec* table, size_t count,
                                 int (*validate)(const wp_options*, wp_error*));
  const wp_option_spec* find(std::string_view name) const;
  std::vector<std::string> names() const;
};

std::string_view option_type_name(uint32_t type);

struct OptionValue {
  std::string name;
  uint32_t type = WP_OPT_STRING;
  std::string text;
  int64_t integer = 0;
  double number = 0;
  std::vector<std::string> items;  // list items, or map key/value pairs flattened
  Position pos;
};

using OptionList = std::vector<OptionValue>;

const OptionValue* find_option(const OptionList& list, std::string_view name);
// Sets or replaces by name.
void put_option(OptionList& list, OptionValue value);

// A C view (wp_options) of an OptionList, valid while both live.
class OptionsView {
 public:
  explicit OptionsView(const OptionList& list);
  OptionsView(const OptionsView&) = delete;
  OptionsView& operator=(const OptionsView&) = delete;
  const wp_options* get() const { return &raw_; }

 private:
  std::vector<wp_option> values_;
  std::vector<std::vector<wp_str>> items_;
  wp_options raw_{};
};

// Parses `text` as an option of `spec`'s type (defaults are YAML text too).
// Returns an error message, empty on success.
std::string parse_scalar_option(const wp_option_spec& spec, const std::string& text, OptionValue& out);

// Levenshtein-nearest candidate within a sensible distance, or empty.
std::string nearest(std::string_view word, const std::vector<std::string>& candidates);
std::string join(const std::vector<std::string>& items, std::string_view sep);

}  // namespace watchpost
