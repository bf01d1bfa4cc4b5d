// One-shot check with the exit codes monitoring plugins use: 0 up, 2 down, 3 unknown.
#include "config/config.hpp"
#include "../runtime.hpp"
#include "args.hpp"
#include "catalog.hpp"
#include "commands.hpp"

#include <yaml-cpp/yaml.h>

#include <cstdio>

namespace watchpost::cli {

int cmd_check(int argc, char** argv) {
  auto valued = common_valued();
  valued.insert(valued.end(), {"match", "timeout", "attempts", "ca-file", "method", "header", "data", "status"});
  Args args(argc, argv, 2, valued, {"json", "insecure", "no-match"});
  if (args.positional().size() != 1) throw UsageError("check needs exactly one URL");
  const std::string& url = args.positional()[0];
  if (url.find("://") == std::string::npos)
    throw UsageError("'" + url + "' has no scheme: did you mean http://" + url + " or https://" + url + " ?");
  apply_logging(args, "human", "warn");
  PluginCatalog catalog = load_catalog(args);

  // The one-off pipeline is written as YAML and read by the same validator a file goes
  // through, so `check` can never accept what `run` would refuse.
  YAML::Emitter y;
  y << YAML::BeginMap << YAML::Key << "pipelines" << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
  y << YAML::Key << "name" << YAML::Value << "check";
  y << YAML::Key << "probe" << YAML::Value << YAML::BeginMap;
  y << YAML::Key << "plugin" << YAML::Value << "http";
  y << YAML::Key << "timeout" << YAML::Value << args.value("timeout", "10s");
  y << YAML::Key << "attempts" << YAML::Value << args.value("attempts", "1");
  if (args.flag("insecure")) y << YAML::Key << "tls_verify" << YAML::Value << "false";
  if (args.has("ca-file")) y << YAML::Key << "ca_file" << YAML::Value << args.value("ca-file");
  if (args.has("method")) y << YAML::Key << "method" << YAML::Value << args.value("method");
  if (args.has("data")) {  // curl's convention: @FILE reads the body from FILE
    std::string data = args.value("data");
    if (!data.empty() && data[0] == '@') y << YAML::Key << "body_file" << YAML::Value << YAML::DoubleQuoted << data.substr(1);
    else y << YAML::Key << "body" << YAML::Value << YAML::DoubleQuoted << data;
    if (!args.has("method")) y << YAML::Key << "method" << YAML::Value << "POST";
  }
  if (args.has("header")) {
    y << YAML::Key << "headers" << YAML::Value << YAML::BeginMap;
    for (auto& h : args.values("header")) {
      size_t colon = h.find(':');
      if (colon == std::string::npos || colon == 0) throw UsageError("--header '" + h + "': write it as 'Name: value'");
      std::string value = h.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      y << YAML::Key << YAML::DoubleQuoted << h.substr(0, colon) << YAML::Value << YAML::DoubleQuoted << value;
    }
    y << YAML::EndMap;
  }
  if (args.has("status")) {
    y << YAML::Key << "expected_status" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    std::string list = args.value("status") + ",";
    for (size_t at = 0, comma; (comma = list.find(',', at)) != std::string::npos; at = comma + 1)
      if (comma > at) y << YAML::DoubleQuoted << list.substr(at, comma - at);
    y << YAML::EndSeq;
  }
  y << YAML::EndMap;
  y << YAML::Key << "targets" << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
  y << YAML::Key << "url" << YAML::Value << YAML::DoubleQuoted << args.positional()[0];
  y << YAML::EndMap << YAML::EndSeq;
  if (args.has("match")) {
    y << YAML::Key << "evaluate" << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
    y << YAML::Key << "plugin" << YAML::Value << "regex";
    y << YAML::Key << "pattern" << YAML::Value << YAML::DoubleQuoted << args.value("match");
    if (args.flag("no-match")) y << YAML::Key << "mode" << YAML::Value << "must_not_match";
    y << YAML::EndMap << YAML::EndSeq;
  }
  y << YAML::Key << "sinks" << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
  y << YAML::Key << "plugin" << YAML::Value << "stdout";
  y << YAML::Key << "format" << YAML::Value << (args.flag("json") ? "json" : "human");
  y << YAML::Key << "batch_delay" << YAML::Value << "0ms";
  y << YAML::EndMap << YAML::EndSeq;
  y << YAML::EndMap << YAML::EndSeq << YAML::EndMap;

  Config config;
  try {
    config = parse_config(y.c_str(), "<check>", catalog);
  } catch (const ConfigError& e) {
    // The YAML above is ours, not the user's: speak of the command line, not of its lines.
    for (auto& issue : e.issues()) std::fprintf(stderr, "watchpost check: %s\n", issue.message.c_str());
    return 3;
  }
  int outcome = WP_OUTCOME_UNKNOWN;
  RunOptions options;
  options.once = true;
  options.drain_timeout = std::chrono::seconds(10);
  options.observer = [&outcome](const ResultPtr& r) { outcome = r->outcome; };
  Runtime runtime(catalog, std::move(config), "", std::move(options));
  runtime.run();
  return outcome == WP_OUTCOME_UP ? 0 : outcome == WP_OUTCOME_DOWN ? 2 : 3;
}

}  // namespace watchpost::cli
