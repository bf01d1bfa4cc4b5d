#include "synced_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <stdexcept>
#include <unistd.h>

namespace watchpost {

namespace {

void write_synced(const std::string& path, const std::string& text, int flags) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | flags, 0600);
  if (fd < 0) throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
  // An append the disk refuses half way is cut back, so the file never ends in a torn line
  // that a retry would then follow with the whole one.
  off_t start = ::lseek(fd, 0, SEEK_END);
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int e = errno;
      if (start >= 0 && ::ftruncate(fd, start) != 0) {
        // Nothing better to do: the reader skips a line that does not parse.
      }
      ::close(fd);
      throw std::runtime_error("cannot write " + path + ": " + std::strerror(e));
    }
    done += static_cast<size_t>(n);
  }
  int rc = ::fsync(fd);
  int e = errno;
  if (rc != 0 && start >= 0 && ::ftruncate(fd, start) != 0) {
    // As above.
  }
  ::close(fd);
  if (rc != 0) throw std::runtime_error("cannot sync " + path + ": " + std::strerror(e));
}

}  // namespace

void replace_file_synced(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp";
  write_synced(tmp, text, O_TRUNC);
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    throw std::runtime_error("cannot replace " + path + ": " + std::strerror(errno));
}

void append_file_synced(const std::string& path, const std::string& text) { write_synced(path, text, O_APPEND); }

}  // namespace watchpost
