// Long target lists, read a part at a time. yaml-cpp's node tree costs about 4 KB per target
// (a file of 800,000 targets took 3.4 GB and 16 s in YAML::Load alone, 4.1 GB to validate), so
// a pipeline file whose block `targets:` list is long is split before it is loaded: a scan of
// the lines finds each item of the list by its `-` at the list's indentation; the document is
// loaded with items 2..n-1 blanked out (lines kept, so every other mark is where it was), and
// the blanked items are loaded in parts of a few hundred from their own lines, marks moved back
// by the part's first line. Errors read exactly as with the whole tree (tests compare both ways).
//
// The split is checked, never trusted: the caller matches each split list to a pipeline's
// `targets` in the loaded document (its two remaining items on the right lines), refuses the
// split when the list is reachable twice (an anchor and alias of it or of its pipeline), and
// reads the file the old way when any of that fails or a part does not load on its own (a
// multi-line quoted value cut at an item, an alias of an anchor elsewhere).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace watchpost {

struct SplitTargetList {
  struct Part {
    size_t begin = 0, end = 0;  // whole lines of the original text: one or more items
    int line = 0;               // 0-based line of `begin`: what the part's own marks are moved by
  };
  int first_item_line = 0;   // 0-based line of the first item's '-' (kept in the document)
  int second_item_line = 0;  // of the second (the first one split off)
  int last_item_line = 0;    // of the last (kept too: what follows the list is read with it)
  std::vector<Part> parts;   // items 2..n-1, in order
};

struct SplitDocument {
  std::string text;  // the document with the split items blanked (empty when nothing is split)
  std::vector<SplitTargetList> lists;
};

// Lists of at least `min_items` items are split, in parts of `items_per_part`.
SplitDocument split_long_target_lists(const std::string& text, size_t min_items, size_t items_per_part = 2048);

}  // namespace watchpost
