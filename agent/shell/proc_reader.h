#pragma once
// ProcSource: where the statistics collector reads raw /proc and /sys text and disk space
// (STYLE.md §3, a narrow seam; §10, collect vs compute). ProcReader is the real one, rooted
// at "/" by default (a test may root it at a copied tree); the parsing is agent/core/
// proc_parse.h's.
//
// Reads are small regular files: each read is one open/read/close into a buffer the caller
// may reuse, so a collection of hundreds of processes allocates little.
//
// Thread-safety: ProcReader is stateless but for its root; usable from any thread.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace supvisors {

class ProcSource {
 public:
  virtual ~ProcSource() = default;
  // The whole text of a file (relative to the root, e.g. "proc/stat"), or false when it cannot
  // be read (a process gone since the directory was listed, a missing file).
  virtual bool read(const std::string& path, std::string& text) const = 0;
  // The numeric entries of proc/ (the pids of the host, unsorted).
  virtual std::vector<std::int64_t> pids() const = 0;
  // The names in a directory (e.g. "sys/block"), empty when it cannot be listed.
  virtual std::vector<std::string> list(const std::string& path) const = 0;
  // statvfs of a mount point: blocks, free blocks, blocks available to users; nullopt when it
  // cannot be read (an unmounted or unreachable file system).
  struct Space {
    std::uint64_t blocks = 0, free = 0, available = 0;
  };
  virtual std::optional<Space> space(const std::string& mount_point) const = 0;
};

class ProcReader final : public ProcSource {
 public:
  explicit ProcReader(std::string root = "/");
  bool read(const std::string& path, std::string& text) const override;
  std::vector<std::int64_t> pids() const override;
  std::vector<std::string> list(const std::string& path) const override;
  std::optional<Space> space(const std::string& mount_point) const override;

 private:
  std::string root_;
};

}  // namespace supvisors
