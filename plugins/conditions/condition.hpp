// One condition of the conditions evaluator (docs/conditions.md): parsed and type-checked once,
// when the pipeline is loaded, then evaluated against every result.
//
//   [STATUS] == 200                      [RESPONSE_TIME] < 500ms
//   [HEADER:Content-Type] =~ /json/      [BODY].status == UP
//   len([BODY].items) > 0 and has([BODY]/data/id)
//   not ([CERTIFICATE_DAYS] < 14)
#pragma once

#include "subject.hpp"

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace watchpost::conditions {

// A condition that cannot be used: where (1-based column in its text) and what to write instead.
struct ConditionError : std::runtime_error {
  ConditionError(size_t column, const std::string& message)
      : std::runtime_error("column " + std::to_string(column) + ": " + message), column(column) {}
  size_t column;
};

struct Node;  // condition.cpp

class Condition {
 public:
  // Throws ConditionError.
  explicit Condition(std::string_view text);
  ~Condition();
  Condition(Condition&&) noexcept;
  Condition& operator=(Condition&&) noexcept;

  enum class Outcome { Holds, Fails, Undecided };
  struct Verdict {
    Outcome outcome;
    std::string why;  // for Fails and Undecided: the value seen, e.g. "[RESPONSE_TIME] was 812ms"
  };
  Verdict evaluate(Subject& subject) const;
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::unique_ptr<Node> root_;
};

}  // namespace watchpost::conditions
