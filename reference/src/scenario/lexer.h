// The scenario language's tokens (spec/scenario-language.md, "Lexical structure").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "acx/scenario/ast.h"

namespace acx::scenario::detail {

enum class Tok { Ident, Number, String, Punct, Newline, End, Header };

struct Token {
  Tok kind;
  std::string text;  // identifier, punctuation char, string contents, header key
  std::string rest;  // header lines: the text after the key
  std::int64_t number = 0;
  Location location;
};

/// The tokens of `text`, ending with one End token; throws Failure at the first bad character.
std::vector<Token> lex(std::string_view text);

}  // namespace acx::scenario::detail
