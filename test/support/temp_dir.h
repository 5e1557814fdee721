#pragma once
// A temporary folder for one test, removed with everything in it when the object dies.
// Kept short (under /tmp) because unix socket paths are limited to 107 bytes.

#include <filesystem>
#include <string>

namespace supvisors::test {

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "sv");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // Writes `content` to path()/name and returns the full path.
  std::filesystem::path write(const std::string& name, const std::string& content) const;

 private:
  std::filesystem::path path_;
};

}  // namespace supvisors::test
