#include <cstdio>
int main() {
  std::fprintf(stderr, "supvisorsctl: not implemented yet\n");
  return 1;
}
