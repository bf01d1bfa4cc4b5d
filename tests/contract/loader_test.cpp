// The loader fed good and deliberately broken plugins.
#include "config/config.hpp"
#include "plugins/instance.hpp"
#include "plugins/loader.hpp"

#include <gtest/gtest.h>

#include <filesystem>

using namespace watchpost;

namespace {

std::string broken(const std::string& name) { return std::string(BROKEN_PLUGIN_DIR) + "/broken-" + name + ".so"; }

std::string load_error(const std::string& path) {
  try {
    load_plugin(path);
  } catch (const LoadError& e) {
    return e.what();
  }
  ADD_FAILURE() << path << " loaded but should have been refused";
  return {};
}

}  // namespace

TEST(Loader, RefusesAnotherAbiMajorNamingFileAndBothVersions) {
  std::string e = load_error(broken("major"));
  EXPECT_NE(e.find("broken-major.so"), std::string::npos) << e;
  EXPECT_NE(e.find("built for plugin ABI 99.0"), std::string::npos) << e;
  EXPECT_NE(e.find("this watchpost provides ABI 1." + std::to_string(WP_ABI_MINOR)), std::string::npos) << e;
  EXPECT_NE(e.find("rebuild the plugin"), std::string::npos) << e;
}

TEST(Loader, RefusesANewerMinorThanTheCore) {
  std::string e = load_error(broken("minor"));
  EXPECT_NE(e.find("built for plugin ABI 1." + std::to_string(WP_ABI_MINOR + 1)), std::string::npos) << e;
}

TEST(Loader, RefusesALibraryWithoutTheEntrySymbol) {
  std::string e = load_error(broken("no_entry"));
  EXPECT_NE(e.find("not a watchpost plugin"), std::string::npos) << e;
  EXPECT_NE(e.find("watchpost_plugin_descriptor"), std::string::npos) << e;
}

TEST(Loader, RefusesAMissingRequiredEntry) {
  std::string e = load_error(broken("missing_write"));
  EXPECT_NE(e.find("the sink table has no 'write' entry"), std::string::npos) << e;
}

TEST(Loader, APluginBuiltForAbi10StillLoads) {
  // Its descriptor ends before the `targets` table that 1.1 appended.
  Plugin p = load_plugin(broken("abi10"));
  EXPECT_TRUE(p.has(Kind::sink));
  EXPECT_FALSE(p.has(Kind::targets)) << "a field the plugin's descriptor does not have is not read";
  // Its sink table ends before `write_async`, which 1.2 appended: the core writes one batch at a time.
  SinkInstance sink(p.library, p.descriptor->sink, "abi10/broken");
  EXPECT_EQ(write_async_of(sink), nullptr);
}

TEST(Loader, APluginBuiltForAbi12StillLoads) {
  // Its descriptor ends before the `notifier` table that 1.3 appended.
  Plugin p = load_plugin(broken("abi12"));
  EXPECT_TRUE(p.has(Kind::sink));
  EXPECT_FALSE(p.has(Kind::notifier)) << "a field the plugin's descriptor does not have is not read";
}

TEST(Loader, RefusesWhatIsNotALibrary) {
  std::string e = load_error("/etc/hostname");
  EXPECT_NE(e.find("cannot load the library"), std::string::npos) << e;
}

TEST(Loader, CatalogScanRecordsRefusalsAndGoesOn) {
  PluginCatalog catalog;
  catalog.scan({BROKEN_PLUGIN_DIR, TEST_PLUGIN_DIR});
  EXPECT_EQ(catalog.refused().size(), 4u);
  EXPECT_NE(catalog.find("cprobe"), nullptr);
  EXPECT_NE(catalog.find("chaos"), nullptr);
}

TEST(Loader, APluginInPlainCLoads) {
  Plugin p = load_plugin(std::string(TEST_PLUGIN_DIR) + "/test-cprobe.so");
  EXPECT_EQ(p.name(), "cprobe");
  EXPECT_EQ(p.kinds(), std::vector<std::string>{"probe"});
  ASSERT_EQ(p.probe.specs.size(), 2u) << "name, and url (so catalogue rows can use it)";
  EXPECT_TRUE(p.probe.specs[0]->required);
  EXPECT_FALSE(p.probe.specs[1]->required);
}

TEST(Loader, OneLibraryMayHoldSeveralKinds) {
  Plugin p = load_plugin(std::string(TEST_PLUGIN_DIR) + "/test-chaos.so");
  EXPECT_EQ(p.kinds(), (std::vector<std::string>{"probe", "evaluator", "sink"}));
}

TEST(Loader, ThrowingCodeBecomesAnErrorCodeAtTheBoundary) {
  Plugin p = load_plugin(std::string(TEST_PLUGIN_DIR) + "/test-chaos.so");
  const wp_sink_api* sink = p.descriptor->sink;
  // Options for mode=throw, built by hand as the core would.
  std::string name = "mode", value = "throw";
  wp_option opt{};
  opt.struct_size = sizeof opt;
  opt.name = {name.data(), name.size()};
  opt.type = WP_OPT_STRING;
  opt.text = {value.data(), value.size()};
  wp_options opts{sizeof(wp_options), &opt, 1};
  wp_host host{};
  host.struct_size = sizeof host;
  void* instance = nullptr;
  wp_error err{};
  err.struct_size = sizeof err;
  ASSERT_EQ(sink->create(&host, &opts, &instance, &err), WP_OK);
  EXPECT_EQ(sink->write(instance, nullptr, 0, &err), WP_ERROR);
  EXPECT_STREQ(err.message, "chaos: sink threw on purpose");
  sink->destroy(instance);
}

TEST(Loader, EveryBuiltPluginLoadsAndDeclaresDocumentedOptions) {
  PluginCatalog catalog;
  catalog.scan({WATCHPOST_PLUGIN_DIR});
  EXPECT_TRUE(catalog.refused().empty());
  for (const char* name : {"http", "regex", "stdout"}) {
    const Plugin* p = catalog.find(name);
    ASSERT_NE(p, nullptr) << name;
    for (const OptionSchema* s : {&p->probe, &p->evaluator, &p->sink, &p->source})
      for (auto* spec : s->specs) {
        EXPECT_TRUE(spec->doc && *spec->doc) << name << "." << spec->name << " has no doc line";
        EXPECT_EQ(spec->struct_size, sizeof(wp_option_spec));
      }
  }
}
