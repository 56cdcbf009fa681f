// The signature of a divergence: what acx fuzz compares to tell a known divergence (one of a
// backend's expected failures, conformance/expectations/) from a new one. It describes where and how
// the first divergence happened without anything a program makes up: no ids, no labels, no store
// values; only the kinds of the events, the kind of callback an observation ran in, and, for a
// store that differs, whether each side saw a value or undefined.
#pragma once

#include <optional>
#include <string>

#include "acx/judge/judge.h"
#include "acx/model/profile.h"
#include "acx/scenario/ast.h"

namespace acx::fuzz {

/// The signature of a failed judgement (Fail, or BackendFailure: a runtime that printed no trace)
/// of scenario `s` under `profile`; nullopt for any other verdict. Two programs that differ only in
/// their labels, literals and names, judged the same way, have the same signature:
///   - `stores <a>-><b>[,...] at observe in <callback>`: the observation the model allowed is the
///     one observed (same label) but a store differs; <a> and <b> are `undefined` or `value`;
///   - `ids|error|resource at observe in <callback>`: likewise, another field differs;
///   - `order: allowed <shapes> | observed <shape>`: the runtime did something else next (an event
///     shape is `observe in <callback>`, `exit <code>`, `init <type>`, `before`, ...);
///   - `no trace (<how it ended>); model exits <code>`: a backend failure.
/// <callback> is the kind of callback the observation's statement runs in (`main`, `microtask` for
/// ticks, queueMicrotask, reactions, thenables and await continuations, `macrotask` for timers,
/// intervals and immediates, `unhandledRejection` and `uncaughtException` listeners, `hook`,
/// `function` for function bodies and emitter listeners), or several joined by `|` when the label
/// is used in more than one.
std::optional<std::string> divergence_signature(const scenario::Scenario& s, const judge::Judgement& j,
                                                const model::Profile& profile);

}  // namespace acx::fuzz
