#pragma once
// The rules layer: Supvisors 0.19 rules files parsed, validated and resolved into an
// immutable model (reference supvisors-0.19.md §2). Placeholder until the rules issue lands.
