// Entry point of the stdout plugin library.
#include "stdout_sink.hpp"

WATCHPOST_PLUGIN("stdout", "0.1.0", "Results as human lines or JSON lines, to the terminal or a file",
                 watchpost::stdout_sink::StdoutSink)
