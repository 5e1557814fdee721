#pragma once
// Table: aligned text columns for supvisorsctl's human output.

#include <ostream>
#include <string>
#include <vector>

namespace supvisors::ctl {

class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  // Columns padded to their widest cell, two spaces apart; the last column is not padded.
  void print(std::ostream& out) const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace supvisors::ctl
