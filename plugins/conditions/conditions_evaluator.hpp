// The conditions evaluator: a list of conditions over the result (status, timings, bytes,
// headers, certificate, address, the body as text or JSON), all of which must hold.
// The language is docs/conditions.md; each condition is parsed and type-checked when the
// pipeline is loaded.
#pragma once

#include "condition.hpp"

#include <watchpost/plugin.hpp>

#include <vector>

namespace watchpost::conditions {

class ConditionsEvaluator final : public Evaluator {
 public:
  ConditionsEvaluator(const Host& host, const Options& options);
  static const std::vector<wp_option_spec>& options();
  static void validate(const Options& options);
  Verdict evaluate(const wp_result& result) const override;

 private:
  std::vector<Condition> conditions_;
  Limits limits_;
};

}  // namespace watchpost::conditions
