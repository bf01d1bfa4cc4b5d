#include "conditions_evaluator.hpp"

namespace watchpost::conditions {
namespace {

std::vector<Condition> parse_all(const Options& o) {
  std::vector<Condition> out;
  auto texts = o.list("conditions");
  if (texts.empty()) throw OptionError("conditions", "give at least one condition, e.g. \"[STATUS] == 200\"");
  for (size_t i = 0; i < texts.size(); ++i) {
    try {
      out.emplace_back(texts[i]);
    } catch (const ConditionError& e) {
      throw OptionError("conditions", "condition " + std::to_string(i + 1) + " '" + texts[i] + "', " + e.what());
    }
  }
  return out;
}

}  // namespace

const std::vector<wp_option_spec>& ConditionsEvaluator::options() {
  static const std::vector<wp_option_spec> specs = {
      required_option("conditions", WP_OPT_STRING_LIST,
                      "Conditions that must all hold, e.g. \"[STATUS] == 200\", \"[RESPONSE_TIME] < 500ms\" (docs/conditions.md)"),
      option("max_json_body", WP_OPT_BYTES, "1MiB", "A larger body is not read as JSON (its JSON conditions fail)"),
      option("max_json_depth", WP_OPT_INT, "64", "JSON nested deeper than this is not read"),
  };
  return specs;
}

void ConditionsEvaluator::validate(const Options& o) {
  parse_all(o);
  if (o.integer("max_json_depth", 64) < 1 || o.integer("max_json_depth", 64) > 1000)
    throw OptionError("max_json_depth", "must be between 1 and 1000");
}

ConditionsEvaluator::ConditionsEvaluator(const Host&, const Options& o) : conditions_(parse_all(o)) {
  limits_.json_bytes = static_cast<size_t>(o.integer("max_json_body", 1 << 20));
  limits_.json_depth = static_cast<int>(o.integer("max_json_depth", 64));
}

Verdict ConditionsEvaluator::evaluate(const wp_result& r) const {
  Subject subject(r, limits_);
  std::string first_failure, first_undecided;
  size_t failed = 0;
  for (auto& c : conditions_) {
    auto v = c.evaluate(subject);
    if (v.outcome == Condition::Outcome::Fails) {
      if (failed++ == 0) first_failure = "'" + c.text() + "' failed: " + v.why;
    } else if (v.outcome == Condition::Outcome::Undecided && first_undecided.empty()) {
      first_undecided = "'" + c.text() + "' could not be decided: " + v.why;
    }
  }
  if (failed > 0)
    return Verdict::failed(first_failure + (failed > 1 ? " (" + std::to_string(failed) + " of " +
                                                             std::to_string(conditions_.size()) + " conditions failed)"
                                                       : std::string()));
  if (!first_undecided.empty()) return Verdict::undecided(first_undecided);
  return Verdict::passed(conditions_.size() == 1 ? "held" : "all " + std::to_string(conditions_.size()) + " conditions held");
}

}  // namespace watchpost::conditions
