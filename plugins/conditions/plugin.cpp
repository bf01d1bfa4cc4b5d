// Entry point of the conditions plugin library.
#include "conditions_evaluator.hpp"

WATCHPOST_PLUGIN("conditions", "0.1.0", "Conditions on status, timings, headers and the body as text or JSON",
                 watchpost::conditions::ConditionsEvaluator)
