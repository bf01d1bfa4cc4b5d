// A real, small file system for disk-full tests: a tmpfs of a given size mounted on a temp
// folder (needs root, as CI and the developers' machines have). `fill()` takes what is left,
// `free_filler()` gives it back, so a test sees the kernel's own ENOSPC.
#pragma once

#include "process.hpp"

#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

namespace watchpost::testing {

class SmallDisk {
 public:
  explicit SmallDisk(size_t bytes) : dir_(temp_dir() + "/disk") {
    ::mkdir(dir_.c_str(), 0755);
    std::string opts = "size=" + std::to_string(bytes);
    if (::mount("tmpfs", dir_.c_str(), "tmpfs", 0, opts.c_str()) == 0)
      mounted_ = true;
    else
      why_not_ = std::string("cannot mount a tmpfs (") + std::strerror(errno) + "): disk-full tests need root";
  }
  ~SmallDisk() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  const std::string& why_not() const { return why_not_; }
  const std::string& dir() const { return dir_; }

  // Writes a filler file until the disk refuses more.
  void fill() {
    FILE* f = std::fopen((dir_ + "/filler").c_str(), "w");
    if (!f) return;
    std::string block(4096, 'f');
    while (std::fwrite(block.data(), 1, block.size(), f) == block.size() && std::fflush(f) == 0) {
    }
    std::fclose(f);
  }
  void free_filler() { ::unlink((dir_ + "/filler").c_str()); }

 private:
  std::string dir_;
  bool mounted_ = false;
  std::string why_not_;
};

}  // namespace watchpost::testing
