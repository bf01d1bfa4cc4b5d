// watchpost report: per target, checks, uptime and latency over a window, from PostgreSQL.
#include "../report/uptime_report.hpp"
#include "../report/verdict_report.hpp"
#include "args.hpp"
#include "commands.hpp"

#include <watchpost/values.hpp>

#include <cstdio>
#include <cstdlib>

namespace watchpost::cli {

int cmd_report(int argc, char** argv) {
  auto valued = common_valued();
  valued.insert(valued.end(), {"dsn", "schema", "since", "target"});
  Args args(argc, argv, 2, valued, {"json"});
  if (!args.positional().empty()) throw UsageError("report takes no positional arguments");
  report::Query q;
  const char* env = std::getenv("WATCHPOST_DSN");
  q.dsn = args.value("dsn", env ? env : "");  // empty: libpq's PG* environment and defaults
  q.schema = args.value("schema", "watchpost");
  auto since = parse_duration_ms(args.value("since", "24h"));
  if (!since || *since <= 0) throw UsageError("--since takes a duration such as 24h or 7d");
  q.since_ms = *since;
  q.target = args.value("target");
  auto conn = report::connect(q);
  auto rows = report::run_query(*conn, q);
  // The fleet's view, when results carry regions: verdicts per slot and what each region saw.
  auto verdicts = report::verdicts(*conn, q);
  auto regions = report::regions(*conn, q);
  std::string out;
  if (args.flag("json")) {
    out = report::render_json(rows, q);
    // One object: its closing brace (and newline) give way to the fleet's members.
    out.erase(out.find_last_of('}'));
    out += "," + report::verdicts_json_members(verdicts, regions) + "}\n";
  } else {
    out = report::render_table(rows, q) + report::render_verdicts_table(verdicts, regions);
  }
  std::fputs(out.c_str(), stdout);
  return 0;
}

}  // namespace watchpost::cli
