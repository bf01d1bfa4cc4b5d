#define PCRE2_CODE_UNIT_WIDTH 8
#include "regex_evaluator.hpp"

#include <pcre2.h>

namespace watchpost::regex {
namespace {

pcre2_code* code(void* p) { return static_cast<pcre2_code*>(p); }

// Per-thread match context and JIT stack: evaluate() may run on several threads at once.
struct ThreadScratch {
  pcre2_match_context* context = pcre2_match_context_create(nullptr);
  pcre2_jit_stack* stack = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, nullptr);
  ThreadScratch() { pcre2_jit_stack_assign(context, nullptr, stack); }
  ~ThreadScratch() {
    pcre2_jit_stack_free(stack);
    pcre2_match_context_free(context);
  }
};

std::string excerpt(const std::string& s) { return s.size() > 60 ? s.substr(0, 57) + "..." : s; }

}  // namespace

Pattern::Pattern(const std::string& source, bool case_insensitive, bool multiline) : source_(source) {
  uint32_t flags = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
  if (case_insensitive) flags |= PCRE2_CASELESS;
  if (multiline) flags |= PCRE2_MULTILINE;
  int err = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* c = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(source.data()), source.size(), flags, &err, &offset, nullptr);
  if (!c) {
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(err, msg, sizeof msg);
    throw OptionError("pattern", "invalid regular expression '" + excerpt(source) + "' at offset " +
                                     std::to_string(offset) + ": " + reinterpret_cast<char*>(msg));
  }
  pcre2_jit_compile(c, PCRE2_JIT_COMPLETE);  // falls back to the interpreter if JIT is unavailable
  code_ = c;
}

Pattern::~Pattern() { pcre2_code_free(code(code_)); }

Pattern::Match Pattern::search(std::string_view subject, uint32_t match_limit, uint32_t depth_limit, size_t& offset,
                               std::string& error) const {
  thread_local ThreadScratch scratch;
  pcre2_set_match_limit(scratch.context, match_limit);
  pcre2_set_depth_limit(scratch.context, depth_limit);
  pcre2_match_data* md = pcre2_match_data_create_from_pattern(code(code_), nullptr);
  int rc = pcre2_match(code(code_), reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), 0, 0, md,
                       scratch.context);
  Match result;
  if (rc >= 0) {
    offset = pcre2_get_ovector_pointer(md)[0];
    result = Match::found;
  } else if (rc == PCRE2_ERROR_NOMATCH) {
    result = Match::absent;
  } else {
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(rc, msg, sizeof msg);
    error = reinterpret_cast<char*>(msg);
    result = Match::limit;
  }
  pcre2_match_data_free(md);
  return result;
}

const std::vector<wp_option_spec>& RegexEvaluator::options() {
  static const std::vector<wp_option_spec> specs = {
      required_option("pattern", WP_OPT_STRING_LIST, "One PCRE2 pattern, or a list: every one is applied"),
      option("mode", WP_OPT_STRING, "must_match", "must_match: down when a pattern is absent; must_not_match: down when present",
             "must_match|must_not_match"),
      option("case_insensitive", WP_OPT_BOOL, "false", "Match regardless of case"),
      option("multiline", WP_OPT_BOOL, "false", "^ and $ match at line breaks"),
      option("match_limit", WP_OPT_INT, "1000000", "PCRE2 match limit: bounds backtracking per pattern"),
      option("depth_limit", WP_OPT_INT, "10000", "PCRE2 depth limit: bounds nested backtracking"),
  };
  return specs;
}

void RegexEvaluator::validate(const Options& o) {
  auto patterns = o.list("pattern");
  if (patterns.empty()) throw OptionError("pattern", "give at least one pattern");
  for (auto& p : patterns) Pattern(p, o.boolean("case_insensitive"), o.boolean("multiline"));
  if (o.integer("match_limit", 1) < 1) throw OptionError("match_limit", "must be at least 1");
  if (o.integer("depth_limit", 1) < 1) throw OptionError("depth_limit", "must be at least 1");
}

RegexEvaluator::RegexEvaluator(const Host&, const Options& o)
    : must_match_(o.string("mode", "must_match") == "must_match"),
      match_limit_(static_cast<uint32_t>(o.integer("match_limit", 1000000))),
      depth_limit_(static_cast<uint32_t>(o.integer("depth_limit", 10000))) {
  for (auto& p : o.list("pattern"))
    patterns_.push_back(std::make_unique<Pattern>(p, o.boolean("case_insensitive"), o.boolean("multiline")));
}

Verdict RegexEvaluator::evaluate(const wp_result& r) const {
  std::string_view body = view(r.body);
  for (auto& p : patterns_) {
    size_t offset = 0;
    std::string error;
    switch (p->search(body, match_limit_, depth_limit_, offset, error)) {
      case Pattern::Match::limit:
        return Verdict::undecided("pattern '" + excerpt(p->source()) + "' could not be decided on " +
                                  std::to_string(body.size()) + " body bytes: " + error);
      case Pattern::Match::found:
        if (!must_match_)
          return Verdict::failed("forbidden pattern '" + excerpt(p->source()) + "' found at byte " + std::to_string(offset));
        break;
      case Pattern::Match::absent:
        if (must_match_)
          return Verdict::failed("pattern '" + excerpt(p->source()) + "' not found in " + std::to_string(body.size()) +
                                 " body bytes");
        break;
    }
  }
  return Verdict::passed(patterns_.size() == 1 ? "matched" : "all " + std::to_string(patterns_.size()) + " patterns held");
}

}  // namespace watchpost::regex
