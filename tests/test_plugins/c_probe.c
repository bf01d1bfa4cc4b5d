/* A plugin written in plain C against plugin_api.h alone: a probe that reports every target
 * up at once. It proves the ABI needs no C++ on the plugin side. */
#include <watchpost/plugin_api.h>

#include <stdlib.h>
#include <string.h>

static const wp_option_spec options[] = {
    {sizeof(wp_option_spec), "name", WP_OPT_STRING, 1, NULL, NULL, "Anything; echoed in the message"},
    {sizeof(wp_option_spec), "url", WP_OPT_STRING, 0, NULL, NULL, "Ignored (lets a catalogue row's url through)"},
};

static int create(const wp_host* host, void** instance, wp_error* error) {
  (void)error;
  *instance = (void*)host;
  return WP_OK;
}
static void destroy(void* instance) { (void)instance; }

static int target_create(void* instance, const wp_options* options, void** target, wp_error* error) {
  (void)instance;
  (void)error;
  char* name = calloc(1, 128);
  for (size_t i = 0; i < options->count; ++i) {
    const wp_option* o = (const wp_option*)((const char*)options->items + i * options->items[0].struct_size);
    if (o->name.size == 4 && memcmp(o->name.data, "name", 4) == 0)
      memcpy(name, o->text.data, o->text.size < 127 ? o->text.size : 127);
  }
  *target = name;
  return WP_OK;
}
static void target_destroy(void* instance, void* target) {
  (void)instance;
  free(target);
}

static int start(void* instance, void* target, const wp_check* check, wp_probe_done_fn done, void* ctx,
                 wp_error* error) {
  (void)instance;
  (void)error;
  wp_probe_report r;
  memset(&r, 0, sizeof r);
  r.struct_size = sizeof r;
  r.check_id = check->check_id;
  r.outcome = WP_OUTCOME_UP;
  r.dns_us = r.connect_us = r.tls_us = r.first_byte_us = -1;
  r.total_us = 1;
  r.tls_days_left = INT32_MIN;
  r.error_message.data = (const char*)target;
  r.error_message.size = strlen((const char*)target);
  done(ctx, &r); /* allowed: done may run before start returns */
  return WP_OK;
}

static const wp_probe_api probe = {sizeof(wp_probe_api), options, sizeof(options) / sizeof(options[0]), NULL, create, destroy,
                                   target_create, target_destroy, start};

static const wp_plugin_descriptor descriptor = {
    sizeof(wp_plugin_descriptor), WP_ABI_MAJOR, WP_ABI_MINOR, "cprobe", "1.0.0", "plain C probe", &probe, NULL, NULL, NULL};

WP_EXPORT const wp_plugin_descriptor* watchpost_plugin_descriptor(void) { return &descriptor; }
