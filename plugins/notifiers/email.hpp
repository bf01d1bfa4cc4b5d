// email: alert events as one mail per batch over SMTP (libcurl), STARTTLS when the server
// offers it (or required), a plain-text and an HTML part.
#pragma once

#include <watchpost/plugin.hpp>

#include <string>
#include <vector>

namespace watchpost::notify {

class Email final : public Notifier {
 public:
  Email(const Host& host, const Options& options);
  static const std::vector<wp_option_spec>& options();
  static void validate(const Options& options);
  Status notify(const std::vector<AlertEvent>& events) override;
  // The whole message (headers and MIME body), CRLF line ends.
  std::string message(const std::vector<AlertEvent>& events, int64_t now_us) const;

 private:
  std::string url_, from_, username_, password_, starttls_;
  std::vector<std::string> to_;
  long timeout_ms_;
};

}  // namespace watchpost::notify
