// libFuzzer target: the conditions language (plugins/conditions). The input's first line is a
// condition's text, the rest the body it is judged on (as text and as JSON). Parsing must
// accept or refuse with a ConditionError; evaluation must never crash, whatever the body.
#include "condition.hpp"
#include "conditions_input.hpp"

#include <watchpost/plugin_api.h>

#include <cstdint>
#include <string>
#include <vector>

namespace {

using watchpost::conditions::Condition;

const std::vector<Condition>& fixed() {
  static const std::vector<Condition> all = [] {
    std::vector<Condition> v;
    for (const char* text : {"[BODY].status == UP", "len([BODY].items) > 0", "has([BODY]/a/0/b)", "[BODY].n > 1.5e3",
                             "[BODY] =~ /^(a|b)+$/", "[HEADER:Content-Type] =~ /json/i", "[BODY].x.y[3] != null"})
      v.emplace_back(text);
    return v;
  }();
  return all;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  watchpost::fuzzing::ConditionsInput input(std::string(reinterpret_cast<const char*>(data), size));
  const wp_result& r = input.result;
  const std::string& text = input.text;
  watchpost::conditions::Limits limits;
  watchpost::conditions::Subject subject(r, limits);
  for (auto& c : fixed()) c.evaluate(subject);
  try {
    Condition c(text);
    watchpost::conditions::Subject fresh(r, limits);
    c.evaluate(fresh);
  } catch (const watchpost::conditions::ConditionError&) {
  }
  return 0;
}
