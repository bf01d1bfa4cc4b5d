#include "target_list_split.hpp"

#include <string_view>

namespace watchpost {
namespace {

struct Line {
  size_t begin, end;  // end: the '\n' or the text's end
  size_t indent;      // spaces before the first other character
  bool tab_indent;    // a tab among them (YAML forbids it; leave such a list whole)
  bool empty;         // blank or only a comment
};

Line line_at(const std::string& text, size_t begin) {
  Line l{begin, text.find('\n', begin), 0, false, true};
  if (l.end == std::string::npos) l.end = text.size();
  size_t i = begin;
  while (i < l.end && (text[i] == ' ' || text[i] == '\t')) l.tab_indent |= text[i++] == '\t';
  l.indent = i - begin;
  l.empty = i == l.end || text[i] == '#' || (text[i] == '\r' && i + 1 == l.end);
  return l;
}

std::string_view content(const std::string& text, const Line& l) {
  std::string_view v(text.data() + l.begin + l.indent, l.end - l.begin - l.indent);
  if (!v.empty() && v.back() == '\r') v.remove_suffix(1);
  return v;
}

// `targets:` with nothing after it but a comment: a block value follows.
bool is_targets_key(std::string_view v) {
  constexpr std::string_view key = "targets:";
  if (v.substr(0, key.size()) != key) return false;
  v.remove_prefix(key.size());
  size_t i = v.find_first_not_of(' ');
  return i == std::string_view::npos || v[i] == '#';
}

bool is_item(std::string_view v) { return v.size() >= 1 && v[0] == '-' && (v.size() == 1 || v[1] == ' '); }

// A key line may open a list item itself (`- targets:`): its key then stands right of the dash.
std::string_view after_dashes(std::string_view v, size_t& indent) {
  while (is_item(v) && v.size() > 1) {
    size_t skip = v.find_first_not_of(' ', 1);
    if (skip == std::string_view::npos) break;
    indent += skip;
    v.remove_prefix(skip);
  }
  return v;
}

// Whether a line ends outside any quoted value or flow collection it opened: a value that
// runs on into the next lines could hold a line that looks like the next item. Conservative:
// a quote counts as opening where a value may begin (line start, after ": ", "- ", "[", "{",
// ","), so a list it cannot read line by line is read whole.
bool line_is_closed(std::string_view v) {
  int depth = 0;
  char prev = ' ';  // the last character outside a quoted value, spaces skipped
  for (size_t i = 0; i < v.size(); ++i) {
    char c = v[i];
    if (c == '#' && (i == 0 || v[i - 1] == ' ' || v[i - 1] == '\t')) break;  // a comment
    if ((c == '"' || c == '\'') &&
        (prev == ' ' || prev == ':' || prev == '-' || prev == '[' || prev == '{' || prev == ',')) {
      size_t j = i + 1;
      for (; j < v.size(); ++j) {
        if (c == '"' && v[j] == '\\') ++j;
        else if (v[j] == c) {
          if (c == '\'' && j + 1 < v.size() && v[j + 1] == '\'') ++j;  // '' inside '...'
          else break;
        }
      }
      if (j >= v.size()) return false;
      i = j;
      prev = c;
      continue;
    }
    if (c == '[' || c == '{') ++depth;
    if (c == ']' || c == '}') --depth;
    if (c != ' ' && c != '\t') prev = c;
  }
  return depth <= 0;
}

// Whether a line is one the list can be cut around: an item's start, a key, a comment, or a
// value closed on the line. A bare line of text may continue a plain value of the line
// before — and yaml-cpp reads what follows it differently when it is cut off — so it leaves
// the list whole. Lines inside a block scalar (`|`, `>`) are its text, whatever they look like.
class LineShapes {
 public:
  bool accept(std::string_view v, size_t indent) {
    if (block_indent_ != std::string::npos) {
      if (indent > block_indent_) return true;
      block_indent_ = std::string::npos;
    }
    if (v[0] == '#') return true;  // a comment line changes nothing
    // Anchors, aliases, tags and explicit keys change what a key or value is; lists with them
    // are read whole. (Conservative: "*" after a space inside a value counts too.)
    for (size_t i = 0; i < v.size(); ++i)
      if ((v[i] == '&' || v[i] == '*' || v[i] == '!' || v[i] == '?') &&
          (i == 0 || v[i - 1] == ' ' || v[i - 1] == '[' || v[i - 1] == '{' || v[i - 1] == ','))
        return false;
    awaits_ = false;
    bool item = false;
    while (is_item(v)) {
      item = true;
      size_t skip = v.find_first_not_of(' ', 1);
      if (skip == std::string_view::npos || v[skip] == '#') {  // "-" alone: the item's value follows
        awaits_ = true;
        return true;
      }
      indent += skip;
      v.remove_prefix(skip);
    }
    if (v[0] == '"' || v[0] == '\'' || v[0] == '[' || v[0] == '{') return true;  // closed: line_is_closed
    size_t colon = key_colon(v);
    if (colon == std::string_view::npos) return item;  // `- value` on one line, or a bare line
    std::string_view value = v.substr(colon + 1);
    size_t at = value.find_first_not_of(' ');
    if (at == std::string_view::npos || value[at] == '#') awaits_ = true;
    else if (value[at] == '|' || value[at] == '>') block_indent_ = indent;
    return true;
  }
  // The last line left a value to come (`key:`, `-`): true until a line gives one.
  bool awaits_value() const { return awaits_; }

 private:
  // The ':' of `key:` (followed by a space or the line's end), outside quotes; npos if none.
  static size_t key_colon(std::string_view v) {
    char quote = 0;
    for (size_t i = 0; i < v.size(); ++i) {
      char c = v[i];
      if (quote) {
        if (c == quote) quote = 0;
        continue;
      }
      if ((c == '"' || c == '\'') && i == 0) quote = c;
      else if (c == '#' && i > 0 && v[i - 1] == ' ') return std::string_view::npos;
      else if (c == ':' && (i + 1 == v.size() || v[i + 1] == ' ')) return i;
    }
    return std::string_view::npos;
  }

  size_t block_indent_ = std::string::npos;  // the indentation of the key whose block scalar this is
  bool awaits_ = false;
};

}  // namespace

SplitDocument split_long_target_lists(const std::string& text, size_t min_items, size_t items_per_part) {
  SplitDocument out;
  if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF) return out;  // a byte-order mark
  std::vector<SplitTargetList> lists;
  std::vector<std::pair<size_t, size_t>> blank;  // byte ranges to blank
  int line_no = 0;  // 0-based, of the line at `at`
  for (size_t at = 0; at < text.size();) {
    Line key = line_at(text, at);
    at = key.end + 1;
    ++line_no;
    if (key.empty || !is_targets_key(after_dashes(content(text, key), key.indent))) continue;
    // The list: items whose '-' stands at one indentation (at or right of the key's).
    std::vector<std::pair<size_t, int>> items;  // begin, 0-based line
    LineShapes shapes;
    size_t column = std::string::npos, end = text.size();
    bool whole = true;
    int scan_line = line_no;
    size_t p = at;
    for (; p < text.size(); ++scan_line) {
      Line l = line_at(text, p);
      if (l.empty) {
        p = l.end + 1;
        continue;
      }
      if (l.tab_indent) whole = false;
      std::string_view v = content(text, l);
      if (column == std::string::npos) {
        if (!is_item(v) || l.indent < key.indent) {
          end = l.begin;  // not a block list: go on from this line
          break;
        }
        column = l.indent;
      }
      if (l.indent < column || (l.indent == column && !is_item(v))) {
        end = l.begin;
        break;
      }
      if (l.indent == column) {
        // An item ending in a missing value (`key:` or `-` with nothing after): yaml-cpp marks
        // that null at the next token, which a cut would move.
        if (shapes.awaits_value()) whole = false;
        items.emplace_back(l.begin, scan_line);
      }
      if (!line_is_closed(v) || !shapes.accept(v, l.indent)) whole = false;
      p = l.end + 1;
    }
    if (p >= text.size()) end = text.size();
    if (shapes.awaits_value()) whole = false;
    at = std::max(at, std::min(end, text.size()));
    line_no = scan_line;
    if (!whole || items.size() < std::max<size_t>(min_items, 3)) continue;
    SplitTargetList list;
    list.first_item_line = items[0].second;
    list.second_item_line = items[1].second;
    list.last_item_line = items.back().second;
    // The first and the last item stay: what precedes and follows the list is read with them.
    size_t last_item = items.size() - 1;
    for (size_t i = 1; i < last_item; i += items_per_part) {
      size_t next = std::min(i + items_per_part, last_item);
      list.parts.push_back({items[i].first, items[next].first, items[i].second});
    }
    blank.emplace_back(items[1].first, items[last_item].first);
    lists.push_back(std::move(list));
  }
  if (lists.empty()) return out;
  out.lists = std::move(lists);
  out.text = text;
  for (auto& [from, to] : blank)
    for (size_t i = from; i < to; ++i)
      if (out.text[i] != '\n') out.text[i] = ' ';
  return out;
}

}  // namespace watchpost
