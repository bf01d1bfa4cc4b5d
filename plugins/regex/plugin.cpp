// Entry point of the regex plugin library.
#include "regex_evaluator.hpp"

WATCHPOST_PLUGIN("regex", "0.1.0", "PCRE2 (JIT) patterns on the body a probe kept", watchpost::regex::RegexEvaluator)
