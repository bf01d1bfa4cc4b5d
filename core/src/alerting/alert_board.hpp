// The alerts firing now in this process, per pipeline, for /status: each alert stage posts its
// firing set when it changes and takes it down when it closes.
#pragma once

#include "alert_record.hpp"

#include <string>
#include <vector>

namespace watchpost {

class AlertBoard {
 public:
  // `owner` tells a pipeline's stage from the one a reload made in its place.
  void post(const std::string& pipeline, const void* owner, std::vector<AlertRecord> firing);
  void take_down(const std::string& pipeline, const void* owner);
  std::vector<AlertRecord> firing() const;  // every pipeline's, by pipeline then alert id
};

AlertBoard& alert_board();

}  // namespace watchpost
