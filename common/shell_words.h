#pragma once
// Shell words: a string split into words the way a POSIX shell quotes them, and nothing
// more. It is how supvisors-exec turns the extra arguments the agent wrote for a process into
// argv entries (docs/CONTROL.md, Extra arguments), and how the agent checks them before a
// start, so a malformed string is refused with a message instead of a failed spawn.
//
// Quoting, as sh: blanks (space, tab, newline) separate words; '...' keeps everything
// literally; "..." keeps everything but a backslash before $ ` " \ or a newline; a backslash
// outside quotes keeps the next character (a backslash-newline disappears). Nothing is
// expanded or substituted: $HOME, `cmd`, *, ~ and ; stay as written, so the arguments of a
// user can never run anything. An unbalanced quote or a trailing lone backslash is an error.
// Supervisor splits its own `command=` with Python's shlex, whose POSIX mode quotes the same.
//
// Pure; thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace supvisors {

// The words of `text` ({} for an empty or blank text); an Error::fault(INCORRECT_PARAMETERS)
// naming the problem and its position when the quoting is unbalanced.
Result<std::vector<std::string>> splitShellWords(std::string_view text);

}  // namespace supvisors
