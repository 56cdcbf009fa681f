// Parsing and checking of scenario files (spec/scenario-language.md).
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "acx/scenario/ast.h"

namespace acx::scenario {

/// A parse or check error, reported as `file:line:col: message`.
struct ParseError {
  std::string file;
  Location location;
  std::string message;
  std::string to_string() const;
};

/// Either a checked scenario or the first error found.
class [[nodiscard]] ParseResult {
 public:
  ParseResult(Scenario s) : value_(std::move(s)) {}
  ParseResult(ParseError e) : value_(std::move(e)) {}
  bool ok() const { return std::holds_alternative<Scenario>(value_); }
  const Scenario& scenario() const { return std::get<Scenario>(value_); }
  Scenario& scenario() { return std::get<Scenario>(value_); }
  const ParseError& error() const { return std::get<ParseError>(value_); }

 private:
  std::variant<Scenario, ParseError> value_;
};

/// Parses and checks `text`; `file` is only used in error messages.
ParseResult parse(std::string_view text, std::string_view file = "<input>");

/// Reads and parses a file; an unreadable file is a ParseError at 0:0.
ParseResult parse_file(const std::string& path);

/// Gives every bound name a dense slot and every reference its slot (check() does it; the model
/// does it for ASTs that were built, not parsed).
void assign_slots(const Scenario& scenario);

/// Checks names, kinds and arguments of an already-built AST (the parser calls it; generators too).
std::optional<ParseError> check(const Scenario& scenario, std::string_view file = "<input>");

}  // namespace acx::scenario
