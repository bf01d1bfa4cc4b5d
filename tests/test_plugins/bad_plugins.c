/* Deliberately broken plugins. Each is compiled into its own library with one BAD_* macro.
 * BAD_ABI10 and BAD_ABI12 are not broken: plugins as ABI 1.0 and 1.2 built them (shorter
 * descriptors), which a newer core must still load. */
#include <watchpost/plugin_api.h>

#include <stddef.h>

static int create(const wp_host* h, const wp_options* o, void** i, wp_error* e) {
  (void)h; (void)o; (void)e;
  *i = NULL;
  return WP_OK;
}
static void destroy(void* i) { (void)i; }
static int write_batch(void* i, const wp_result* r, size_t n, wp_error* e) {
  (void)i; (void)r; (void)n; (void)e;
  return WP_OK;
}

#if defined(BAD_NO_ENTRY)
/* No watchpost_plugin_descriptor at all. */
WP_EXPORT int some_other_symbol(void) { return 42; }
#else

static const wp_sink_api sink = {
#if defined(BAD_ABI10)
                                 offsetof(wp_sink_api, write_async), /* 1.0/1.1 sink tables end here */
#else
                                 sizeof(wp_sink_api),
#endif
                                 NULL, 0, NULL, create, destroy,
#if defined(BAD_MISSING_WRITE)
                                 NULL
#else
                                 write_batch
#endif
};

static const wp_plugin_descriptor descriptor = {
#if defined(BAD_ABI10)
    offsetof(wp_plugin_descriptor, targets), 1, 0,
#elif defined(BAD_ABI12)
    offsetof(wp_plugin_descriptor, notifier), 1, 2,
#else
    sizeof(wp_plugin_descriptor),
#endif
#if defined(BAD_ABI10) || defined(BAD_ABI12)
#elif defined(BAD_MAJOR)
    99, 0,
#elif defined(BAD_MINOR)
    WP_ABI_MAJOR, WP_ABI_MINOR + 1,
#else
    WP_ABI_MAJOR, WP_ABI_MINOR,
#endif
    "broken", "0.0.1", "deliberately broken", NULL, NULL, &sink, NULL};

WP_EXPORT const wp_plugin_descriptor* watchpost_plugin_descriptor(void) { return &descriptor; }
#endif
