// Judges the body a probe kept with PCRE2 (JIT-compiled) patterns.
#pragma once

#include <watchpost/plugin.hpp>

#include <memory>
#include <string>
#include <vector>

namespace watchpost::regex {

// One compiled pattern; shared read-only between threads.
class Pattern {
 public:
  // Throws OptionError("pattern", PCRE2's message and offset).
  Pattern(const std::string& source, bool case_insensitive, bool multiline);
  ~Pattern();
  Pattern(const Pattern&) = delete;
  Pattern& operator=(const Pattern&) = delete;

  enum class Match { found, absent, limit };
  // `offset` gets where it matched; `error` is set on limit.
  Match search(std::string_view subject, uint32_t match_limit, uint32_t depth_limit, size_t& offset,
               std::string& error) const;
  const std::string& source() const { return source_; }

 private:
  std::string source_;
  void* code_ = nullptr;  // pcre2_code_8*, kept out of the header
};

class RegexEvaluator final : public Evaluator {
 public:
  RegexEvaluator(const Host& host, const Options& options);
  static const std::vector<wp_option_spec>& options();
  static void validate(const Options& options);
  Verdict evaluate(const wp_result& result) const override;

 private:
  std::vector<std::unique_ptr<Pattern>> patterns_;
  bool must_match_ = true;
  uint32_t match_limit_;
  uint32_t depth_limit_;
};

}  // namespace watchpost::regex
